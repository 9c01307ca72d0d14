"""The enquiry form and the answer form: every field checked, with words for each mistake."""

from django import forms

from kith.core.forms import ParagraphsField
from kith.directory.models import TaxonomyTerm
from kith.enquiries.models import Enquiry
from kith.geo.choices import ward_choices
from kith.geo.models import Area, AreaLevel
from kith.people.models import BarrierKind


class EnquiryForm(forms.Form):
    ward = forms.ChoiceField(
        label="Which neighbourhood?",
        help_text="The ward where the person lives or would like to go.",
        error_messages={"required": "Choose a ward.", "invalid_choice": "Choose a ward from the list."},
    )
    category = forms.ChoiceField(
        label="What matters to them",
        required=False,
        error_messages={"invalid_choice": "Choose one of the listed kinds of activity."},
    )
    need = ParagraphsField(
        label="What are they looking for?",
        help_text=(
            "Describe the need, not the person: for example 'wants to walk, anxious in big groups, no car'. "
            "No names, dates of birth, addresses, phone or NHS numbers."
        ),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Describe what they are looking for.",
            "max_length": "Use at most 1,000 characters.",
        },
    )
    barriers = forms.MultipleChoiceField(
        label="What might get in the way (optional)",
        required=False,
        choices=BarrierKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the listed barriers."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = ward_choices()
        terms = TaxonomyTerm.objects.what_matters().values_list("code", "name")
        self.fields["category"].choices = [("", "Not sure / anything"), *terms]

    def clean_ward(self):
        return Area.objects.without_geometry().get(code=self.cleaned_data["ward"], level=AreaLevel.WARD)

    def clean_category(self):
        code = self.cleaned_data["category"]
        return TaxonomyTerm.objects.what_matters().get(code=code) if code else None


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Did you find something suitable?",
        choices=Enquiry.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you found something suitable."},
    )
    note = ParagraphsField(
        label="Your note to the professional",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Use at most 3,000 characters."},
    )
