"""Form helpers for templates that draw their own NHS.UK inputs."""

import re

from django import template

register = template.Library()


@register.filter
def input_value(bound_field) -> str:
    """The field's value as its widget would write it, so what a form shows is what it accepts back.

    `{{ field.value }}` would print a date in the page's display format ("3 Jul 1981"), which the
    field's input formats then refuse; the widget writes it in the first input format ("03/07/1981").
    """
    value = bound_field.value()
    if value is None:
        return ""
    formatted = bound_field.field.widget.format_value(value)
    return "" if formatted is None else str(formatted)


@register.filter
def options(bound_field) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for each choice: the field's value is read once, not once per option."""
    value = bound_field.value()
    chosen = None if value is None else str(value)
    return [(str(v), label, str(v) == chosen) for v, label in bound_field.field.choices]


# Django's own messages name no field; on a long page "This field is required." beside a box in the
# error summary says nothing. These say which answer is missing or wrong, in the field's own words.
GENERIC = {
    "This field is required.": "{verb} {label}",
    "Enter a whole number.": "{label} must be a whole number",
    "Enter a number.": "{label} must be a number",
    "Enter a valid date.": "Enter {label} as day/month/year",
    "Enter a valid time.": "Enter {label} as a time like 10:30",
    "Enter a valid email address.": "Enter {label} as an email address, like name@example.org",
    "Enter a valid URL.": "Enter {label} as a web address, starting https://",
}


TOO_LONG = re.compile(r"Ensure this value has at most (?P<limit>[\d,]+) characters? \(it has (?P<has>[\d,]+)\)\.")


@register.filter
def named_error(error: str, bound_field) -> str:
    """The error, naming the field when Django's generic wording would not."""
    label = str(bound_field.label or bound_field.name).removesuffix(" (optional)").strip().rstrip("?:")
    if error.startswith("Select a valid choice"):
        return f"Choose {_lower_first(label)} from the list"
    too_long = TOO_LONG.match(str(error))
    if too_long:
        return f"{label} must be {too_long['limit']} characters or fewer (it has {too_long['has']})"
    template_ = GENERIC.get(str(error))
    if template_ is None:
        return error
    choosing = hasattr(bound_field.field, "choices")
    text = template_.format(verb="Choose" if choosing else "Enter", label=_lower_first(label))
    return text[0].upper() + text[1:]


def _lower_first(label: str) -> str:
    """'What they bring' → 'what they bring', but 'NHS number' and 'Postcode' read naturally either way."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]
