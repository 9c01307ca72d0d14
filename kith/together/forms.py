from django import forms

from kith.core.forms import ParagraphsField, SessionTimesMixin, time_field
from kith.directory.schedules import DAY_CODES, DAY_NAMES
from kith.together.models import Path, PoolContact

DAYS = list(zip(DAY_CODES, DAY_NAMES, strict=True))


class OpenForm(forms.Form):
    title = forms.CharField(
        label="Working title", max_length=200, error_messages={"required": "Give the group a working title."}
    )
    path = forms.ChoiceField(
        label="How will it run?", choices=Path.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose how the group will run."},
    )  # fmt: skip
    partner = forms.ChoiceField(label="Local organisation (if it runs it with you)", required=False)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "None"), *partners]

    def clean(self):
        data = super().clean()
        if data.get("path") == Path.PARTNER and not data.get("partner"):
            self.add_error("partner", "Choose the local organisation that will run it with you.")
        return data


class ContactForm(forms.Form):
    method = forms.ChoiceField(label="How", choices=PoolContact.Method.choices)
    # No default: one careless click must not record someone as interested (which later makes a connection).
    outcome = forms.ChoiceField(
        label="How it went",
        choices=[("", "Choose their answer"), *PoolContact.Outcome.choices],
        error_messages={"required": "Choose how it went: their answer, in their words."},
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)


class TaskForm(forms.Form):
    text = forms.CharField(label="Task", max_length=300, error_messages={"required": "Say what needs doing."})
    due_on = forms.DateField(
        label="Due (optional)", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Enter a date like 14/12/2026."},
    )  # fmt: skip


class ListingForm(SessionTimesMixin, forms.Form):
    name = forms.CharField(label="Name of the group", max_length=300)
    description = ParagraphsField(label="What it is", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    byday = forms.ChoiceField(label="Day it meets", choices=DAYS)
    opens_at = time_field("Starts")
    closes_at = time_field("Ends (optional)", required=False, example="12:00")
    venue = forms.CharField(label="Where it meets", max_length=300)
    postcode = forms.CharField(label="Postcode of the venue", max_length=10)
    cost = forms.DecimalField(
        label="Cost per session in pounds (0 if free)", required=False, min_value=0, max_digits=6, decimal_places=2
    )
    phone = forms.CharField(label="Phone number people can call", max_length=30, required=False)
    email = forms.EmailField(
        label="Email address people can write to", required=False, error_messages={"invalid": "Enter an email address."}
    )

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or data.get("email")) and not self.has_error("email"):
            self.add_error(
                "phone", "Give a phone number or an email address, so people can get in touch before they go."
            )
        return data
