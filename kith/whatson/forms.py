from django import forms

from kith.geo.choices import ward_choices
from kith.geo.models import Area, AreaLevel


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )
    ward = forms.ChoiceField(
        label="Neighbourhood",
        error_messages={
            "required": "Choose a neighbourhood.",
            "invalid_choice": "Choose a neighbourhood from the list.",
        },
    )
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = ward_choices("Choose a neighbourhood")

    def clean_ward(self):
        return Area.objects.without_geometry().get(code=self.cleaned_data["ward"], level=AreaLevel.WARD)
