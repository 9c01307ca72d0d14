"""Every template's page title is plain words, and no block repeats another's markup."""

import re
from pathlib import Path

import pytest

TEMPLATES = sorted(Path(__file__).resolve().parent.parent.joinpath("kith").rglob("templates/**/*.html"))
BLOCK = re.compile(r"{% block (\w+) %}(.*?){% endblock %}", re.S)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p).split("kith/", 1)[-1])
def test_titles_are_text_and_ids_are_unique(template):
    text = template.read_text(encoding="utf-8")
    blocks = dict(BLOCK.findall(text))
    assert "<" not in blocks.get("title", ""), "markup inside the page title"
    ids = re.findall(r'\bid="([^"{}]+)"', text)
    assert len(ids) == len(set(ids)), f"an id is used twice: {sorted(i for i in ids if ids.count(i) > 1)}"


class _Field:
    def __init__(self, label, choices=False):
        from django import forms

        self.label, self.name = label, "x"
        self.field = forms.ChoiceField(choices=[]) if choices else forms.CharField()


@pytest.mark.parametrize(
    ("error", "field", "shown"),
    [
        ("This field is required.", _Field("What they bring"), "Enter what they bring"),
        ("This field is required.", _Field("Their decision", choices=True), "Choose their decision"),
        ("This field is required.", _Field("NHS number"), "Enter NHS number"),
        ("This field is required.", _Field("Phone number (optional)"), "Enter phone number"),
        ("Select a valid choice. 9 is not one.", _Field("Stage", True), "Choose stage from the list"),
        (
            "Ensure this value has at most 300 characters (it has 412).",
            _Field("Reason"),
            "Reason must be 300 characters or fewer (it has 412)",
        ),
        ("Enter a valid date.", _Field("Date taken"), "Enter date taken as day/month/year"),
        ("Say what time it starts.", _Field("Starts"), "Say what time it starts."),  # already names it: kept
    ],
)  # fmt: skip
def test_errors_name_their_field(error, field, shown):
    from kith.core.templatetags.kith_forms import named_error

    assert named_error(error, field) == shown
