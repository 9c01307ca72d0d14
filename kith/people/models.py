"""A person's record: identity, what matters, wants, barriers, strengths, wellbeing, consent, notes.

Views never read these models: every read goes through kith.people.access, which checks the
reader's right and writes the audit trail. A test enforces it.
"""

import uuid

from django.conf import settings
from django.db import models

LAWFUL_BASIS = (
    "Kith records care under UK GDPR Article 6(1)(e) and Article 9(2)(h): the provision of health and "
    "social care. Consent below covers only sharing beyond the care team, contact about groups and "
    "use in neighbourhood insight."
)


class ReferralSource(models.TextChoices):
    SELF = "self", "Self-referral"
    GP = "gp", "GP practice"
    PHYSIO = "physio", "Physiotherapist"
    SOCIAL_WORKER = "social-worker", "Social worker"
    OTHER = "other", "Other"


class SnomedCode(models.TextChoices):
    REFERRED = "871731000000106", "Referral to social prescribing service"
    DECLINED = "871711000000103", "Social prescribing declined"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class PersonQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True, anonymised_at__isnull=True)


class Person(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="people")
    link_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="caseload"
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True, help_text="Ten digits, check digit valid")
    postcode = models.CharField(max_length=8, blank=True)
    lsoa = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ward = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(max_length=10, choices=ContactMethod.choices, blank=True)
    languages = models.CharField(max_length=200, blank=True, help_text="ISO 639 codes, comma-separated, e.g. ur,pa")
    available_times = models.CharField(
        max_length=40, blank=True, help_text="When they can go: morning, afternoon, evening (empty: any time)"
    )
    referral_source = models.CharField(max_length=20, choices=ReferralSource.choices, default=ReferralSource.SELF)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    referral_reason = models.TextField(blank=True, help_text="What the referrer asked for; the referrer sees this")
    snomed_code = models.CharField(max_length=20, choices=SnomedCode.choices, blank=True)
    what_matters = models.TextField(blank=True, help_text="In the person's own words")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Synthetic demo person, never real")
    # Optimistic locking: every write names the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)

    objects = PersonQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["team", "closed_at"]),
            models.Index(fields=["family_name", "given_name", "date_of_birth"]),
        ]

    def __str__(self):
        return f"Person {self.uuid}"

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.given_name} {self.family_name}".strip()


class WantStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    CLOSED = "closed", "No longer wanted"


class Want(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="wants")
    term = models.ForeignKey("directory.TaxonomyTerm", on_delete=models.PROTECT, related_name="+")
    priority = models.PositiveSmallIntegerField(default=2, choices=[(1, "High"), (2, "Medium"), (3, "Low")])
    words = models.CharField(max_length=300, blank=True, help_text="The person's own words for it")
    status = models.CharField(max_length=10, choices=WantStatus.choices, default=WantStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "created_at"]

    def __str__(self):
        return f"want {self.term_id} ({self.get_priority_display()})"


class BarrierKind(models.TextChoices):
    COST = "cost", "Cost"
    TRANSPORT = "transport", "Transport"
    MOBILITY = "mobility", "Mobility"
    CONFIDENCE = "confidence", "Confidence or anxiety"
    LANGUAGE = "language", "Language"
    CARING = "caring", "Caring duties"
    TIME_OF_DAY = "time-of-day", "Time of day"
    DIGITAL = "digital", "Digital"


class Barrier(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="barriers")
    kind = models.CharField(max_length=15, choices=BarrierKind.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="one_barrier_of_a_kind")]

    def __str__(self):
        return self.get_kind_display()


class Strength(models.Model):
    class Kind(models.TextChoices):
        SKILL = "skill", "Skill"
        INTEREST = "interest", "Interest"
        PEOPLE = "people", "People"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="strengths")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    words = models.CharField(max_length=300)

    def __str__(self):
        return f"{self.get_kind_display()}: {self.words}"


class Instrument(models.TextChoices):
    ONS4 = "ons4", "ONS4 personal wellbeing"
    SWEMWBS = "swemwbs", "SWEMWBS"


class Occasion(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    FOLLOW_UP = "follow-up", "Follow-up"


class WellbeingScore(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="wellbeing")
    instrument = models.CharField(max_length=10, choices=Instrument.choices)
    occasion = models.CharField(max_length=10, choices=Occasion.choices)
    taken_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answers = models.JSONField(help_text="Item id → score")
    swemwbs_raw = models.PositiveSmallIntegerField(null=True, blank=True)
    swemwbs_metric = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["taken_on", "id"]
        indexes = [models.Index(fields=["person", "instrument", "taken_on"])]

    def __str__(self):
        return f"{self.instrument} {self.taken_on}"


class ConsentPurpose(models.TextChoices):
    SHARE_WITH_ORGANISATION = "share-with-organisation", "Share with a named organisation"
    CONTACT_ABOUT_GROUPS = "contact-about-groups", "Be contacted about groups"
    INSIGHT = "insight", "Be counted in neighbourhood insight"
    SHARE_OUTCOMES = "share-outcomes", "Share outcome details with the referrer"


class Consent(models.Model):
    class Decision(models.TextChoices):
        AGREED = "agreed", "Agreed"
        OBJECTED = "objected", "Objected"

    class Method(models.TextChoices):
        IN_PERSON = "in-person", "In person"
        PHONE = "phone", "By phone"
        WRITING = "writing", "In writing"
        ONLINE = "online", "Online"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=30, choices=ConsentPurpose.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    organisation = models.ForeignKey(
        "directory.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For sharing: the organisation named",
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    wording = models.TextField(help_text="The words shown or read to the person")
    scope = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"{self.purpose}: {self.decision}"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None


class Note(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()
    edited_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking, as for the person: an edit names the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"note {self.pk}"


class NoteRevision(models.Model):
    """The text a note had before an edit."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField()
    replaced_at = models.DateTimeField(auto_now_add=True)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"revision of note {self.note_id}"


class ErasureRequest(models.Model):
    """A link worker passes on a person's request to be forgotten; an administrator carries it out."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="erasure_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=500)
    carried_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]

    def __str__(self):
        return f"erasure request {self.pk}"


class Referral(models.Model):
    """A request for a person to be supported, from a professional or from the person; it waits in the
    queue of the team covering their ward until a link worker accepts it (matching or making their
    record) or declines it with a reason. The person, not the referral, is the unit of care."""

    class Status(models.TextChoices):
        NEW = "new", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField(max_length=20, choices=ReferralSource.choices)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals_made"
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The person, as the referrer gave them.
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    postcode = models.CharField(max_length=8)
    ward = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(max_length=10, choices=ContactMethod.choices, blank=True)
    contact_times = models.CharField(max_length=200, blank=True, help_text="When it suits them to be contacted")
    words = models.TextField(help_text="The referrer's words; for a self-referral, what matters, in their words")
    snomed_code = models.CharField(max_length=20, choices=SnomedCode.choices, blank=True)
    agreed = models.BooleanField(default=False, help_text="The person agreed to the referral and to be contacted")
    # For referrals that arrive from other systems (GP systems): their identifiers.
    external_system = models.CharField(max_length=100, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    external_organisation = models.CharField(max_length=12, blank=True, help_text="The referrer's ODS code")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField(max_length=500, blank=True)
    person_declined = models.BooleanField(default=False, help_text="The person said no to social prescribing")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")

    class Meta:
        ordering = ["received_at"]
        indexes = [models.Index(fields=["team", "status", "received_at"])]

    def __str__(self):
        return f"referral {self.uuid}"

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()
