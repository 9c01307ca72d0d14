"""Form pieces several capabilities share: paragraphs of text, and a session's start and end times."""

from django import forms

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


def time_field(label: str, *, required: bool = True, example: str = "10:30") -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=TIME_FORMATS,
        error_messages={"required": "Say what time it starts.", "invalid": f"Enter a time like {example}."},
    )


class SessionTimesMixin:
    """`opens_at` and `closes_at` fields: the end, when given, must come after the start."""

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "The end must be after the start.")
        return data


class ParagraphsField(forms.CharField):
    """Text in a box of several lines. Browsers send line ends as CRLF; they are kept as LF, so a form
    saved unchanged saves the text unchanged."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value
