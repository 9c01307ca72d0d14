"""Forms for the person's record. Field checks here; rules that need the database in services."""

import datetime as dt

from django import forms
from django.utils import timezone

from kith.core.forms import ParagraphsField
from kith.people import nhs_number
from kith.people.models import (
    BarrierKind,
    Consent,
    ConsentPurpose,
    ContactMethod,
    Occasion,
    ReferralSource,
    SnomedCode,
    Strength,
)
from kith.people.wellbeing import ONS4_ITEMS, SWEMWBS_ITEMS, ons4_spec, swemwbs_statements

TIMES = [("morning", "Mornings"), ("afternoon", "Afternoons"), ("evening", "Evenings")]


def clean_nhs_number(value: str) -> str:
    digits = nhs_number.normalise(value)
    if digits and not nhs_number.is_valid(digits):
        raise forms.ValidationError("That NHS number is not right: check the 10 digits.")
    return digits


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("The date cannot be in the future.")
    return value


class PersonForm(forms.Form):
    given_name = forms.CharField(label="Given name", max_length=100)
    family_name = forms.CharField(label="Family name", max_length=100)
    preferred_name = forms.CharField(label="Preferred name (optional)", max_length=100, required=False)
    date_of_birth = forms.DateField(
        label="Date of birth (optional)",
        required=False,
        help_text="For example, 17/5/1950",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the date of birth as day/month/year."},
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)", max_length=14, required=False, help_text="10 digits, for example 943 476 5919"
    )
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    phone = forms.CharField(label="Phone (optional)", max_length=30, required=False)
    email = forms.EmailField(label="Email (optional)", required=False)
    preferred_contact = forms.ChoiceField(
        label="How they like to be contacted", required=False, choices=[("", "Not said"), *ContactMethod.choices]
    )
    languages = forms.CharField(
        label="Languages other than English (optional)",
        max_length=200,
        required=False,
        help_text="Language codes, for example ur for Urdu, pl for Polish",
    )
    available_times = forms.MultipleChoiceField(
        label="When they can go", required=False, choices=TIMES, widget=forms.CheckboxSelectMultiple
    )
    referral_source = forms.ChoiceField(label="Referred by", choices=ReferralSource.choices)
    referral_reason = ParagraphsField(
        label="Reason for referral (the referrer sees this)", required=False, max_length=2000
    )
    snomed_code = forms.ChoiceField(
        label="Clinical code (SNOMED CT)", required=False, choices=[("", "None"), *SnomedCode.choices]
    )
    what_matters = ParagraphsField(label="What matters to them, in their words", required=False, max_length=5000)

    def clean_date_of_birth(self):
        value = _not_future(self.cleaned_data.get("date_of_birth"))
        if value and value < dt.date(1900, 1, 1):
            raise forms.ValidationError("Check the year of birth.")
        return value

    def clean_nhs_number(self):
        return clean_nhs_number(self.cleaned_data.get("nhs_number", ""))

    def clean_available_times(self):
        return ",".join(self.cleaned_data.get("available_times") or [])


class WantForm(forms.Form):
    term = forms.ChoiceField(label="What they want")
    priority = forms.TypedChoiceField(
        label="Priority", coerce=int, choices=[(1, "High"), (2, "Medium"), (3, "Low")], initial=2
    )
    words = forms.CharField(label="In their words (optional)", required=False, max_length=300)

    def __init__(self, *args, terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [("", "Choose…"), *terms]


class BarriersForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="What gets in the way", required=False, choices=BarrierKind.choices, widget=forms.CheckboxSelectMultiple
    )


class StrengthForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=Strength.Kind.choices)
    words = forms.CharField(label="What they bring", max_length=300)


class WellbeingForm(forms.Form):
    occasion = forms.ChoiceField(label="Occasion", choices=Occasion.choices)
    taken_on = forms.DateField(
        label="Date taken",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="For example, 25/11/2026",
        error_messages={"invalid": "Enter the date as day/month/year."},
    )

    def __init__(self, *args, instrument: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        if instrument == "swemwbs":
            options = [
                ("", "Choose…"),
                (1, "1 None of the time"),
                (2, "2 Rarely"),
                (3, "3 Some of the time"),
                (4, "4 Often"),
                (5, "5 All of the time"),
            ]
            statements = swemwbs_statements() or [f"Statement {n} on the printed form" for n in range(1, 8)]
            for item, statement in zip(SWEMWBS_ITEMS, statements, strict=True):
                self.fields[item] = forms.ChoiceField(label=statement, choices=options, required=False)
        else:
            questions = {q["id"]: q["text"] for q in ons4_spec()["questions"]}
            for item in ONS4_ITEMS:
                self.fields[item] = forms.CharField(
                    label=questions[item], required=False, max_length=3, help_text="0 to 10"
                )

    def clean_taken_on(self):
        return _not_future(self.cleaned_data.get("taken_on"))

    def answers(self) -> dict:
        items = SWEMWBS_ITEMS if self.instrument == "swemwbs" else ONS4_ITEMS
        return {item: self.cleaned_data.get(item) for item in items}


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label="For", choices=ConsentPurpose.choices)
    decision = forms.ChoiceField(label="Their decision", choices=Consent.Decision.choices)
    organisation_name = forms.CharField(
        label="Organisation (for sharing)",
        required=False,
        max_length=200,
        help_text="Its name, or part of it, as in the directory; needed when sharing",
    )
    # Set when the person recording chose one organisation from the names that matched.
    organisation = forms.UUIDField(required=False, widget=forms.HiddenInput)
    method = forms.ChoiceField(label="How it was recorded", choices=Consent.Method.choices)
    wording = ParagraphsField(label="The words shown or read to them", max_length=2000)
    scope = forms.CharField(label="Scope (optional)", required=False, max_length=300)


class NoteForm(forms.Form):
    text = ParagraphsField(label="Note", max_length=10_000)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SelfReferralForm(forms.Form):
    """A person asks to talk to a link worker. Only what the team needs to get in touch."""

    given_name = forms.CharField(
        label="Your first name", max_length=100, error_messages={"required": "Tell us what to call you."}
    )
    family_name = forms.CharField(label="Your last name (optional)", max_length=100, required=False)
    phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False)
    email = forms.EmailField(
        label="Email address (optional)", required=False, error_messages={"invalid": "Enter an email address."}
    )
    preferred_contact = forms.ChoiceField(
        label="How should we get in touch?", required=False, choices=[("", "Either is fine"), *ContactMethod.choices]
    )
    contact_times = forms.CharField(
        label="When is a good time? (optional)",
        max_length=200,
        required=False,
        help_text="For example, weekday mornings",
    )
    postcode = forms.CharField(
        label="Your postcode",
        max_length=10,
        error_messages={"required": "Enter your postcode, so the right team calls."},
    )
    words = ParagraphsField(
        label="What would you like help with?",
        max_length=2000,
        help_text="In your own words: what matters to you, what you would like to do, or what is getting in the way",
        error_messages={"required": "Tell us a little about what you would like help with."},
    )
    agreed = forms.BooleanField(
        label="I agree that a link worker may contact me about this",
        error_messages={"required": "Tick the box to agree that a link worker may contact you."},
    )
    website = forms.CharField(required=False, label="Leave this empty")  # a trap for robots

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or data.get("email")) and not self.has_error("email"):
            self.add_error("phone", "Give a phone number or an email address, so we can get in touch.")
        return data
