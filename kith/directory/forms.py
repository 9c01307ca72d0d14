"""The search form: the one place where query-string input is checked and given words."""

import math

from django import forms
from django.core.exceptions import ValidationError

from kith.directory.schedules import DAY_NAMES
from kith.directory.search.engine import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, MIN_RADIUS_KM

MAX_QUERY_STRING = 2000
DAY_CHOICES = [("", "Any day")] + [(name[:3].lower(), name) for name in DAY_NAMES]
SORT_CHOICES = [("relevance", "Best match"), ("distance", "Nearest first")]
RADIUS_CHOICES = [0.5, 1, 2, 3, 5, 10, 20, 50]


class YesBox(forms.BooleanField):
    """A checkbox that accepts only the values a browser sends, and says so otherwise."""

    # TextInput hands over the raw value; CheckboxInput would turn any text into True.
    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, "", False):
            return False
        if isinstance(value, str) and value.lower() in {"1", "on", "true", "yes"}:
            return True
        if value is True:
            return True
        raise ValidationError("Tick the box or leave it empty.", code="invalid")


class SearchForm(forms.Form):
    q = forms.CharField(
        label="What are you looking for?",
        required=False,
        max_length=200,
        help_text="For example: walking, choir, coffee morning",
        error_messages={"max_length": "Enter fewer words: at most 200 characters."},
    )
    near = forms.CharField(
        label="Near",
        required=False,
        max_length=60,
        help_text="A postcode, or the name of a ward or town",
        error_messages={"max_length": "Enter a postcode or a place name of at most 60 characters."},
    )
    radius = forms.CharField(label="Within (km)", required=False, max_length=20)
    category = forms.ChoiceField(label="What matters", required=False)
    day = forms.ChoiceField(
        label="Day", required=False, choices=DAY_CHOICES, error_messages={"invalid_choice": "Choose a day of the week."}
    )
    open_now = YesBox(label="Open now", required=False)
    free = YesBox(label="Free", required=False)
    step_free = YesBox(label="Step-free access", required=False)
    access_unknown = YesBox(label="Also show places whose access is not known", required=False)
    unknown = YesBox(label="Also show listings whose cost or times are not known", required=False)
    age = forms.IntegerField(
        label="Age",
        required=False,
        min_value=0,
        max_value=120,
        error_messages={
            "invalid": "Enter an age in whole years, such as 67.",
            "min_value": "Enter an age from 0 to 120.",
            "max_value": "Enter an age from 0 to 120.",
        },
    )
    area = forms.CharField(required=False, max_length=9, widget=forms.HiddenInput)
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=SORT_CHOICES,
        error_messages={"invalid_choice": "Choose “Best match” or “Nearest first”."},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "The page number must be a whole number from 1.",
            "min_value": "The page number must be a whole number from 1.",
            "max_value": "There are not that many pages.",
        },
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.notices: list[str] = []
        self.fields["category"].choices = [("", "Anything"), *list(categories)]
        self.fields["category"].error_messages["invalid_choice"] = "Choose one of the listed categories."

    def clean_radius(self):
        raw = (self.cleaned_data.get("radius") or "").strip()
        if not raw:
            return DEFAULT_RADIUS_KM
        try:
            value = float(raw)
        except ValueError:
            raise ValidationError("Enter the distance as a number of kilometres, such as 2.") from None
        if not math.isfinite(value):
            raise ValidationError("Enter the distance as a number of kilometres, such as 2.")
        clamped = min(max(value, MIN_RADIUS_KM), MAX_RADIUS_KM)
        if clamped != value:
            self.notices.append(
                f"Distances run from {MIN_RADIUS_KM:g} to {MAX_RADIUS_KM:g} km, so we searched within {clamped:g} km."
            )
        return clamped

    def clean_day(self):
        value = self.cleaned_data.get("day")
        return [c for c, _ in DAY_CHOICES[1:]].index(value) if value else None

    def clean_page(self):
        return self.cleaned_data.get("page") or 1

    def clean_sort(self):
        return self.cleaned_data.get("sort") or "relevance"

    def only_show(self):
        """The tick boxes that narrow the results, in the order the page shows them."""
        boxes = [self["free"], self["open_now"], self["step_free"]]
        if self.is_bound and self.data.get("step_free"):  # it only means something beside step-free
            boxes.append(self["access_unknown"])
        if self.is_bound and any(self.data.get(f) for f in ("free", "open_now", "day")):
            boxes.append(self["unknown"])
        return boxes
