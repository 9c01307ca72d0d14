"""Forms for checks, suggestions, claims and listing edits: every field checked, with words."""

from django import forms
from django.contrib.auth.password_validation import validate_password

from kith.core.forms import ParagraphsField, SessionTimesMixin, time_field
from kith.directory.models import ListingCheck, ServiceStatus
from kith.directory.schedules import DAY_CODES, DAY_NAMES
from kith.freshness.models import Suggestion

CHECK_METHODS = [(v, label.capitalize()) for v, label in ListingCheck.Method.choices if v != "imported"]


class CheckForm(forms.Form):
    method = forms.ChoiceField(
        label="How did you check it?",
        choices=CHECK_METHODS,
        error_messages={"required": "Say how you checked it.", "invalid_choice": "Say how you checked it."},
    )
    note = forms.CharField(
        label="Note for staff (optional)", required=False, max_length=500, help_text="Only staff see this."
    )
    public_note = forms.CharField(
        label="Note for the public (optional)",
        required=False,
        max_length=300,
        help_text="Shown on the listing to everyone, e.g. 'Now meets in the back room'.",
    )


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What has happened?",
        choices=Suggestion.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what has happened.", "invalid_choice": "Choose what has happened."},
    )
    details = ParagraphsField(
        label="Tell us more",
        help_text="For example: it now meets on Thursdays; the phone number has changed.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Use at most 2,000 characters."},
    )
    reply_to = forms.EmailField(
        label="Your email address (optional)",
        help_text="Only if you are happy for us to ask you a question about this. We delete it once we have decided.",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org, or leave it empty."},
    )
    # A field people never see: bots fill it in.
    website = forms.CharField(required=False, label="Leave this empty")

    def clean(self):
        data = super().clean()
        if data.get("kind") == Suggestion.Kind.CHANGE and not data.get("details", "").strip():
            self.add_error("details", "Tell us what has changed.")
        return data


class ListingForm(SessionTimesMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=300, error_messages={"required": "Give the listing a name."})
    description = ParagraphsField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    url = forms.URLField(
        label="Website", required=False, max_length=500, error_messages={"invalid": "Enter a web address."}
    )
    email = forms.EmailField(label="Email", required=False, error_messages={"invalid": "Enter an email address."})
    fees_description = forms.CharField(
        label="Cost",
        required=False,
        max_length=500,
        help_text="In your own words, for example: Free; donations welcome. Or: £3 a session, £2 concessions",
    )
    eligibility_description = forms.CharField(label="Who it is for", required=False, max_length=1000)
    status = forms.ChoiceField(label="Status", choices=ServiceStatus.choices)
    days = forms.MultipleChoiceField(
        label="Days it meets every week",
        required=False,
        choices=list(zip(DAY_CODES, DAY_NAMES, strict=True)),
        widget=forms.CheckboxSelectMultiple,
    )
    opens_at = time_field("Starts", required=False)
    closes_at = time_field("Ends", required=False, example="12:00")

    def clean(self):
        data = super().clean()
        if data.get("days") and not data.get("opens_at"):
            self.add_error("opens_at", "Say what time it starts.")
        return data


class EventForm(SessionTimesMixin, forms.Form):
    """A one-off event: a listing that happens on one day."""

    name = forms.CharField(label="Name of the event", max_length=300, error_messages={"required": "Name the event."})
    description = ParagraphsField(label="What it is", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    day = forms.DateField(
        label="Date", input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"required": "Give the date.", "invalid": "Enter a date like 19/12/2026."},
    )  # fmt: skip
    opens_at = time_field("Starts")
    closes_at = time_field("Ends (optional)", required=False, example="12:00")
    place = forms.ChoiceField(label="Where", error_messages={"invalid_choice": "Choose one of your places."})

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = list(places)

    def clean(self):
        import datetime as dt

        data = super().clean()
        if data.get("day") and data["day"] < dt.date.today():
            self.add_error("day", "The date has passed.")
        return data


class DecisionForm(CheckForm):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("reject", "Reject")],
        error_messages={"required": "Accept or reject it.", "invalid_choice": "Accept or reject it."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].required = False

    def clean(self):
        data = super().clean()
        if data.get("decision") == "accept" and not data.get("method"):
            self.add_error("method", "Say how you checked it before you accept.")
        return data


class ClaimForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=200, error_messages={"required": "Enter your name."})
    email = forms.EmailField(
        label="Your email address",
        help_text=(
            "If it is an address this listing shows, we email you a link to confirm; otherwise an administrator checks."
        ),
        error_messages={"required": "Enter your email address.", "invalid": "Enter an email address."},
    )
    role_at_organisation = forms.CharField(
        label="Your role at the organisation (optional)", required=False, max_length=200
    )
    website = forms.CharField(required=False, label="Leave this empty")


class PasswordForm(forms.Form):
    password = forms.CharField(label="Choose a password", widget=forms.PasswordInput, strip=False)

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password
