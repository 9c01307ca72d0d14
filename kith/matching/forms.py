from django import forms

from kith.core.forms import ParagraphsField
from kith.matching.models import ConnectionStatus
from kith.people.forms import clean_nhs_number


class ConnectionForm(forms.Form):
    status = forms.ChoiceField(label="Stage", choices=ConnectionStatus.choices)
    reason = forms.CharField(label="Why it stopped or did not suit", required=False, max_length=300)
    persons_words = ParagraphsField(label="How it went, in their words", required=False, max_length=2000)
    follow_up_on = forms.DateField(
        label="Follow up on",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the date as day/month/year."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReferralForm(forms.Form):
    def clean_nhs_number(self):
        return clean_nhs_number(self.cleaned_data.get("nhs_number", ""))

    given_name = forms.CharField(label="Given name", max_length=100)
    family_name = forms.CharField(label="Family name", max_length=100)
    date_of_birth = forms.DateField(
        label="Date of birth",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="For example, 17/5/1950",
        error_messages={"invalid": "Enter the date of birth as day/month/year."},
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)", max_length=14, required=False, help_text="10 digits, for example 943 476 5919"
    )
    postcode = forms.CharField(label="Postcode", max_length=10)
    phone = forms.CharField(
        label="Their phone number (optional)",
        max_length=30,
        required=False,
        help_text="So a link worker can call them; without it, the link worker asks you",
    )
    reason = ParagraphsField(label="What you are asking for", max_length=2000)
    agreed = forms.BooleanField(
        label="The person agreed to this referral",
        required=True,
        error_messages={"required": "Refer someone only with their agreement."},
    )
