"""Form helpers for templates that draw their own NHS.UK inputs."""

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
