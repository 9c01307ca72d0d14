"""The link worker's workspace: caseload, a person's record, and the parts of it."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from kith.accounts.decorators import staff_required
from kith.accounts.models import Role
from kith.accounts.roles import CARE, profile_of, role_of
from kith.core.queues import waiting_for
from kith.directory.models import Organisation, TaxonomyTerm
from kith.people import access, nhs_number, presenters
from kith.people import services as people
from kith.people.forms import (
    TIMES,
    BarriersForm,
    ConsentForm,
    NoteForm,
    PersonForm,
    SelfReferralForm,
    StrengthForm,
    VersionForm,
    WantForm,
    WellbeingForm,
)
from kith.people.languages import language_names
from kith.people.models import LAWFUL_BASIS, Instrument
from kith.people.stages import ConnectionStatus
from kith.people.wellbeing import SWEMWBS_NOTICE, WellbeingError, swemwbs_statements


def _want_choices():
    terms = TaxonomyTerm.objects.filter(taxonomy__source_id="kith-what-matters").select_related("parent")
    ordered = sorted(
        terms, key=lambda t: ((t.parent.position if t.parent else t.position), t.parent_id or 0, t.position)
    )
    return [(t.pk, f"{t.parent.name}: {t.name}" if t.parent else t.name) for t in ordered]


@staff_required(*Role.values, None, to="have a workspace")
def home(request):
    """Each role's starting page: administrators and directory editors get their queues with counts."""
    role = role_of(request.user)
    if role in (None, Role.ADMINISTRATOR):
        # Administrators and directory editors: their queues with counts; the Django admin for rare fixes.
        context = {"queues": waiting_for(request.user, role), "administrator": role == Role.ADMINISTRATOR}
        return render(request, "people/staff_home.html", context)
    if role in (Role.LINK_WORKER, Role.LEAD):
        return redirect("people:caseload")
    if role == Role.PROFESSIONAL:
        return redirect("matching:referrals")
    if role == Role.ORGANISATION_EDITOR:
        return redirect("matching:organisation_connections")
    return redirect("insights:atlas")


@staff_required(*CARE, to="see a caseload")
def caseload(request):
    people_list, wellbeing_rows, connection_rows = access.access_caseload(request.user)
    rows = presenters.caseload_rows(
        people_list, wellbeing_rows=wellbeing_rows, connection_rows=connection_rows, today=timezone.localdate()
    )
    by_worker = {}
    if role_of(request.user) == Role.LEAD:
        for row in rows:
            by_worker.setdefault(row.link_worker or "Not assigned", []).append(row)
    due = [r for r in rows if r.follow_ups_due]
    # The same queues, with the same counts, as an administrator's workspace shows, for this role.
    queues = waiting_for(request.user, role_of(request.user))
    return render(
        request,
        "people/caseload.html",
        {
            "rows": rows,
            "due": due,
            "by_worker": by_worker,
            "is_lead": role_of(request.user) == Role.LEAD,
            "sustained": sum(r.connections_sustained for r in rows),
            "referrals_waiting": next((n for q, n, _ in queues if q.url_name == "people:referral_queue"), 0),
            "queues": queues,
        },
    )


@staff_required(*CARE, to="add a person")
def person_new(request):
    profile = profile_of(request.user)
    team = profile.team if profile else None
    form = PersonForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        if team is None:
            form.add_error(None, "You are not in a team, so you cannot add people. Ask an administrator.")
        else:
            try:
                person = people.create_person(
                    user=request.user,
                    team=team,
                    link_worker=request.user,
                    confirm_not_duplicate=request.POST.get("confirm") == "different",
                    **form.cleaned_data,
                )
            except people.PossibleDuplicates as error:
                duplicates = error.people
                form.add_error(None, str(error))
            except people.RecordError as error:
                form.add_error("postcode", str(error))
            else:
                messages.success(request, "Record created.")
                return redirect("people:person", person.uuid)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "people/person_form.html",
        {"form": form, "duplicates": duplicates, "lawful_basis": LAWFUL_BASIS},
        status=status,
    )


@staff_required(*CARE, to="open a person's record")
def person_detail(request, uuid):
    return person_page(request, access.access_person(request.user, uuid))


def person_page(request, person, *, status: int = 200, connection_form=None, **forms):
    """The record, with any form that was sent back holding what was typed and its errors beside its fields.

    `connection_form` is (connection id, bound form) for one connection's update form.
    """
    failed = next((form for form in forms.values() if form.errors), None)
    connections = list(person.connections.select_related("service__organisation").order_by("-created_at"))
    if connection_form is not None:
        for connection in connections:
            connection.sent = connection_form[1] if connection.pk == connection_form[0] else None
        failed = connection_form[1]
    consents = list(person.consents.select_related("organisation", "recorded_by", "withdrawn_by"))
    systems = sorted({r.external_system for r in person.referrals.all() if r.external_system})
    context = {
        "person": person,
        "lawful_basis": LAWFUL_BASIS,
        # Referred through a GP system: its record is told how it went only as far as the person agrees.
        "referred_through": ", ".join(systems),
        "outcome_sharing_asked": any(c.purpose == "share-outcomes" and not c.withdrawn_at for c in consents),
        "wants": list(person.wants.select_related("term__parent")),
        "barriers": list(person.barriers.all()),
        "strengths": list(person.strengths.all()),
        "wellbeing": presenters.wellbeing_views(list(person.wellbeing.all())),
        "consents": consents,
        "notes": list(person.notes.select_related("author").prefetch_related("revisions__replaced_by")),
        "connections": connections,
        "shared_lists": list(person.shared_lists.filter(revoked_at__isnull=True).order_by("-created_at")),
        "want_form": forms.get("want_form") or WantForm(terms=_want_choices()),
        "barriers_form": forms.get("barriers_form")
        or BarriersForm(initial={"kinds": [b.kind for b in person.barriers.all()]}),
        "strength_form": forms.get("strength_form") or StrengthForm(),
        "consent_form": forms.get("consent_form") or ConsentForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "failed_form": failed,
        "today": timezone.localdate(),
        "connection_stages": ConnectionStatus.choices,
        "languages_text": language_names(person.languages),
        "nhs_number_text": nhs_number.formatted(person.nhs_number) if person.nhs_number else "",
        "times_text": ", ".join(dict(TIMES).get(t, t) for t in person.available_times.split(",") if t),
    }
    return render(request, "people/person.html", context, status=status)


@staff_required(*CARE, to="edit a person's record")
def person_edit(request, uuid):
    person = access.access_person(request.user, uuid, purpose="edit")
    initial = {f: getattr(person, f) for f in PersonForm.base_fields}
    initial["available_times"] = [t for t in person.available_times.split(",") if t]
    form = PersonForm(request.POST or None, initial=initial)
    version = VersionForm(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and form.is_valid() and version.is_valid():
        try:
            people.update_person(
                user=request.user, person=person, version=version.cleaned_data["version"], **form.cleaned_data
            )
        except people.StaleRecord as error:
            form.add_error(None, str(error))
        except people.RecordError as error:
            form.add_error("postcode", str(error))
        else:
            messages.success(request, "Changes saved.")
            return redirect("people:person", person.uuid)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": person, "version": version, "lawful_basis": LAWFUL_BASIS},
        status=status,
    )


def _back(person, anchor=""):
    return redirect(reverse("people:person", args=[person.uuid]) + anchor)


def _refuse(request, person, message: str, anchor: str):
    messages.error(request, message)
    return _back(person, anchor)


@require_POST
@staff_required(*CARE, to="change a person's record")
def want_add(request, uuid):
    person = access.access_person(request.user, uuid, purpose="add want")
    form = WantForm(request.POST, terms=_want_choices())
    if not form.is_valid():
        return person_page(request, person, want_form=form, status=400)
    term = get_object_or_404(TaxonomyTerm, pk=form.cleaned_data["term"])
    people.add_want(
        user=request.user,
        person=person,
        term=term,
        priority=form.cleaned_data["priority"],
        words=form.cleaned_data["words"],
    )
    return _back(person, "#wants")


@require_POST
@staff_required(*CARE, to="change a person's record")
def want_status(request, uuid, want_id):
    person = access.access_person(request.user, uuid, purpose="change want")
    want = get_object_or_404(person.wants, pk=want_id)
    try:
        people.set_want_status(user=request.user, want=want, status=request.POST.get("status", ""))
    except people.RecordError as error:
        return _refuse(request, person, str(error), "#wants")
    return _back(person, "#wants")


@require_POST
@staff_required(*CARE, to="change a person's record")
def barriers_set(request, uuid):
    person = access.access_person(request.user, uuid, purpose="change barriers")
    form = BarriersForm(request.POST)
    if not form.is_valid():
        return person_page(request, person, barriers_form=form, status=400)
    people.set_barriers(user=request.user, person=person, kinds=set(form.cleaned_data["kinds"]))
    return _back(person, "#barriers")


@require_POST
@staff_required(*CARE, to="change a person's record")
def strength_add(request, uuid):
    person = access.access_person(request.user, uuid, purpose="add strength")
    form = StrengthForm(request.POST)
    if not form.is_valid():
        return person_page(request, person, strength_form=form, status=400)
    people.add_strength(user=request.user, person=person, **form.cleaned_data)
    return _back(person, "#strengths")


@staff_required(*CARE, to="record wellbeing")
def wellbeing_new(request, uuid, instrument):
    if instrument not in Instrument.values:
        raise Http404("No such measure")
    person = access.access_person(request.user, uuid, purpose="record wellbeing")
    form = WellbeingForm(
        request.POST or None, instrument=instrument, initial={"taken_on": timezone.localdate().strftime("%d/%m/%Y")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            people.record_wellbeing(
                user=request.user,
                person=person,
                instrument=instrument,
                occasion=form.cleaned_data["occasion"],
                taken_on=form.cleaned_data["taken_on"],
                answers=form.answers(),
            )
        except (WellbeingError, people.RecordError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Wellbeing recorded.")
            return _back(person, "#wellbeing")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "people/wellbeing_form.html",
        {
            "form": form,
            "person": person,
            "instrument": Instrument(instrument).label,
            "notice": SWEMWBS_NOTICE if instrument == "swemwbs" else "",
            "statements_supplied": instrument == "swemwbs" and swemwbs_statements() is not None,
            "items": [form[name] for name in form.fields if name not in ("occasion", "taken_on")],
        },
        status=status,
    )


@require_POST
@staff_required(*CARE, to="record consent")
def consent_add(request, uuid):
    person = access.access_person(request.user, uuid, purpose="record consent")
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return person_page(request, person, consent_form=form, status=400)
    data = dict(form.cleaned_data)
    chosen, name = data.pop("organisation"), data.pop("organisation_name").strip()
    organisation = Organisation.objects.filter(uuid=chosen, folded_into__isnull=True).first() if chosen else None
    if organisation is None and name:
        exact = list(Organisation.objects.filter(name__iexact=name, folded_into__isnull=True)[:2])
        if len(exact) == 1:
            organisation = exact[0]
        else:
            # More than one, or none by that exact name: let the person choose from the names that match.
            matches = list(
                Organisation.objects.filter(name__icontains=name, folded_into__isnull=True).order_by("name")[:20]
            )
            if not matches:
                form.add_error(
                    "organisation_name",
                    f"No organisation in the directory has a name like “{name}”. Check the spelling, or use "
                    "part of the name.",
                )
                return person_page(request, person, consent_form=form, status=400)
            return render(
                request,
                "people/choose_organisation.html",
                {"person": person, "form": form, "matches": matches, "name": name},
            )
    try:
        people.record_consent(user=request.user, person=person, organisation=organisation, **data)
    except people.RecordError as error:
        form.add_error(None, str(error))
        return person_page(request, person, consent_form=form, status=400)
    return _back(person, "#consent")


@require_POST
@staff_required(*CARE, to="record consent")
def consent_withdraw(request, uuid, consent_id):
    person = access.access_person(request.user, uuid, purpose="withdraw consent")
    consent = get_object_or_404(person.consents, pk=consent_id)
    try:
        people.withdraw_consent(user=request.user, consent=consent)
    except people.RecordError as error:
        return _refuse(request, person, str(error), "#consent")
    return _back(person, "#consent")


@require_POST
@staff_required(*CARE, to="add notes")
def note_add(request, uuid):
    person = access.access_person(request.user, uuid, purpose="add note")
    form = NoteForm(request.POST)
    if not form.is_valid():
        return person_page(request, person, note_form=form, status=400)
    people.add_note(user=request.user, person=person, text=form.cleaned_data["text"])
    return _back(person, "#notes")


@staff_required(*CARE, to="edit notes")
def note_edit(request, uuid, note_id):
    person = access.access_person(request.user, uuid, purpose="edit note")
    note = get_object_or_404(person.notes, pk=note_id)
    form = NoteForm(request.POST or None, initial={"text": note.text})
    version = VersionForm(request.POST or None, initial={"version": note.version})
    if request.method == "POST" and form.is_valid() and version.is_valid():
        try:
            people.edit_note(
                user=request.user, note=note, text=form.cleaned_data["text"], version=version.cleaned_data["version"]
            )
        except people.StaleRecord as error:
            form.add_error(None, str(error))
            # The next save is against the version now shown; the person's own text stays in the box.
            note.refresh_from_db()
            version = VersionForm(initial={"version": note.version})
            return render(
                request,
                "people/note_form.html",
                {"form": form, "person": person, "note": note, "version": version, "theirs": note.text},
                status=409,
            )
        except people.RecordError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, "Note saved.")
            return _back(person, "#notes")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "people/note_form.html",
        {"form": form, "person": person, "note": note, "version": version},
        status=status,
    )


@staff_required(*CARE, to="export a person's record")
def export_page(request, uuid):
    person = access.access_person(request.user, uuid, purpose="subject access export")
    data = people.subject_access_export(user=request.user, person=person)
    if request.GET.get("format") == "json":
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="kith-subject-access-{person.uuid}.json"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "people/export.html", {"person": person, "view": presenters.export_view(data)})


@staff_required(Role.ADMINISTRATOR, to="erase a person's record")
def erase(request, uuid):
    person = access.access_person(request.user, uuid, purpose="erasure")
    if request.method == "POST":
        typed = request.POST.get("confirm", "")
        if typed != person.family_name:
            error = "Type the family name exactly as the record has it, to confirm erasure."
            context = {"person": person, "error": error, "typed": typed}
            return render(request, "people/erase.html", context, status=400)
        people.erase_person(user=request.user, person=person)
        messages.success(request, "Identifiers erased. Anonymous facts (area, wants, wellbeing) are kept.")
        return redirect("people:audit", person.uuid)
    return render(request, "people/erase.html", {"person": person})


@staff_required(Role.ADMINISTRATOR, to="read a person's audit trail")
def audit_trail(request, uuid):
    person, events = access.access_audit_trail(request.user, uuid)
    return render(request, "people/audit.html", {"person": person, "events": events, "uuid": uuid})


@staff_required(*CARE, to="close a record")
def person_close(request, uuid):
    person = access.access_person(request.user, uuid, purpose="close record")
    if person.closed_at:
        return _back(person)
    version = VersionForm(request.POST or None, initial={"version": person.version})
    error = ""
    if request.method == "POST" and version.is_valid():
        try:
            people.close_person(
                user=request.user,
                person=person,
                version=version.cleaned_data["version"],
                reason=request.POST.get("reason", ""),
            )
        except people.RecordError as failure:
            error = str(failure)
        else:
            messages.success(
                request,
                f"Record closed. It is kept for {settings.KITH_RETENTION_YEARS} years, then anonymised; "
                "until then you can reopen it here.",
            )
            return _back(person)
    return render(
        request,
        "people/close.html",
        {"person": person, "version": version, "reasons": people.CLOSE_REASONS, "error": error,
         "years": settings.KITH_RETENTION_YEARS},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@require_POST
@staff_required(*CARE, to="reopen a record")
def person_reopen(request, uuid):
    person = access.access_person(request.user, uuid, purpose="reopen record")
    version = VersionForm(request.POST)
    try:
        if not version.is_valid():
            raise people.StaleRecord("Open the record again, then reopen it.")
        people.reopen_person(user=request.user, person=person, version=version.cleaned_data["version"])
    except people.RecordError as error:
        return _refuse(request, person, str(error), "")
    messages.success(request, "Record reopened: it is back on the caseload.")
    return _back(person)


@staff_required(*CARE, to="see closed records")
def closed_records(request):
    return render(request, "people/closed.html", {"people": access.access_closed(request.user)})


@staff_required(*CARE, to="pass on a request to be forgotten")
def erasure_request(request, uuid):
    """A link worker passes on the person's request to be forgotten."""
    person = access.access_person(request.user, uuid, purpose="request erasure")
    error = ""
    if request.method == "POST":
        try:
            people.request_erasure(user=request.user, person=person, reason=request.POST.get("reason", ""))
        except people.RecordError as failure:
            error = str(failure)
        else:
            messages.success(request, "An administrator has been asked to erase the record, and will do it.")
            return _back(person)
    return render(
        request,
        "people/erasure_request.html",
        {"person": person, "error": error, "reason": request.POST.get("reason", "")},
        status=400 if error else 200,
    )


@staff_required(Role.ADMINISTRATOR, to="decide requests to be forgotten")
def erasure_requests(request):
    return render(request, "people/erasure_requests.html", {"waiting": access.access_erasure_requests(request.user)})


@staff_required(*CARE, to="work the referral queue")
def referral_queue(request):
    """Referrals waiting for the team: from professionals and from people themselves."""
    waiting = access.referral_queue(request.user)
    today = timezone.localdate()
    rows = [
        {
            "referral": r,
            "contact_by": people.contact_by(r.received_at),
            "late": people.contact_by(r.received_at) < today,
        }
        for r in waiting
    ]
    return render(request, "people/referral_queue.html", {"rows": rows})


@staff_required(*CARE, to="work the referral queue")
def queued_referral(request, uuid):
    """Accept a referral (for someone already known, or as a new record) or decline it with a reason."""
    referral, matches = access.access_queued_referral(request.user, uuid)
    error, duplicates = "", []
    if request.method == "POST" and referral.status == "new":
        action = request.POST.get("action", "")
        try:
            if action == "decline":
                said_no, reason = request.POST.get("person_declined") == "yes", request.POST.get("reason", "")
                people.decline_referral(user=request.user, referral=referral, reason=reason, person_declined=said_no)
                messages.success(request, f"Referral for {referral.display_name} declined; the referrer sees why.")
                return redirect("people:referral_queue")
            if action == "accept-known":
                known = access.access_person(request.user, request.POST.get("person", ""), purpose="accept referral")
                person = people.accept_referral(user=request.user, referral=referral, person=known)
            elif action == "accept-new":
                person = people.accept_referral(
                    user=request.user,
                    referral=referral,
                    confirm_not_duplicate=request.POST.get("confirm") == "different",
                )
            else:
                raise people.RecordError("Choose to accept or decline the referral.")
        except people.PossibleDuplicates as found:
            error, duplicates = str(found), found.people
        except people.RecordError as failure:
            error = str(failure)
        else:
            messages.success(request, f"Referral accepted: {person.display_name} is on the caseload.")
            return redirect("people:person", person.uuid)
    return render(
        request,
        "people/queued_referral.html",
        {
            "referral": referral,
            "matches": duplicates or matches,
            "error": error,
            "contact_by": people.contact_by(referral.received_at),
            "reason": request.POST.get("reason", ""),
            "person_declined": request.POST.get("person_declined") == "yes",
            "nhs_number_text": nhs_number.formatted(referral.nhs_number) if referral.nhs_number else "",
        },
        status=400 if error else 200,
    )


def self_referral(request):
    """Public: a person asks to talk to a link worker; it arrives in the queue of the team covering them."""
    form = SelfReferralForm(request.POST or None)
    if request.method == "POST":
        if is_ratelimited(request, group="self-referral", key="ip", rate="5/h", increment=True):
            return render(request, "people/self_referral.html", {"form": form, "limited": True}, status=429)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if data.pop("website"):  # filled in by a robot: say thank you, keep nothing
                return render(request, "people/self_referral_sent.html", {"team": None})
            try:
                made = people.make_referral(user=request.user, source="self", **data)
            except people.RecordError as error:
                form.add_error("postcode", str(error))
            else:
                return render(
                    request,
                    "people/self_referral_sent.html",
                    {"team": made.team, "contact_by": people.contact_by(made.received_at), "emailed": bool(made.email)},
                )
    response = render(
        request, "people/self_referral.html", {"form": form}, status=400 if request.method == "POST" else 200
    )
    response["Cache-Control"] = "no-store"
    return response
