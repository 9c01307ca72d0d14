"""Path converters: an id in an address is at most 18 digits, so no database is asked for a number it cannot hold."""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")


def as_id(value) -> int | None:
    """A database id from a form or query value, or None for anything that cannot be one."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
