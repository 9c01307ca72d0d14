"""Fresh, trusted listings: the review queue, the freshness dashboard, suggestions, claims and editing."""

import numpy as np
from django.contrib import messages
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from kith.accounts.decorators import staff_required
from kith.accounts.models import Role
from kith.accounts.roles import KEEPERS, profile_of, role_of
from kith.core.converters import as_id
from kith.directory.models import ListingCheck, Location, Organisation, Service
from kith.directory.presenters import checked_text
from kith.directory.search.index import get_index
from kith.enquiries.access import covered_wards
from kith.freshness import services as upkeep
from kith.freshness.forms import (
    CheckForm,
    ClaimForm,
    DecisionForm,
    EventForm,
    ListingForm,
    PasswordForm,
    SuggestionForm,
)
from kith.freshness.models import DEFAULT_REVIEW_DAYS, Claim, Suggestion
from kith.freshness.queues import ages_and_periods
from kith.freshness.stale import by_area, per_service
from kith.geo.coverage import main_authority, unknown_authority_text
from kith.geo.models import Area, AreaLevel

CARE = KEEPERS
PER_PAGE = 25


def _latest_checks(service_ids) -> dict[int, ListingCheck]:
    latest: dict[int, ListingCheck] = {}
    for check in ListingCheck.objects.filter(service_id__in=service_ids).order_by("service_id", "-checked_at"):
        latest.setdefault(check.service_id, check)
    return latest


def _checked(check: ListingCheck | None) -> str:
    if check is None:
        return "Not checked yet"
    return checked_text(check.checked_at, role=check.checked_by_role, method=check.method)


@staff_required(*CARE, to="review listings")
def review_queue(request):
    """Stale listings in a neighbourhood, worst first, each with a way to record a check."""
    mine = covered_wards(request.user)
    code = request.GET.get("ward") or (mine[0] if mine else "")
    ward = Area.objects.without_geometry().filter(code=code, level=AreaLevel.WARD).first() if code else None
    if code and ward is None:
        return HttpResponse("Unknown ward: choose one from the list.", status=400, content_type="text/plain")
    wards = Area.objects.without_geometry().filter(code__in=mine).order_by("name")
    rows, page = [], None
    if ward is not None:
        index = get_index()
        found = np.flatnonzero(index.ward == index.area_index(ward.code))
        ages, periods = ages_and_periods(index, found)
        listings = [entry for entry in per_service(index.service_id[found], ages, periods) if entry.stale]
        listings.sort(key=lambda entry: -entry.overdue_days)
        page = Paginator(listings, PER_PAGE).get_page(request.GET.get("page"))
        services = Service.objects.select_related("organisation").in_bulk([e.service_id for e in page])
        checks = _latest_checks([e.service_id for e in page])
        for entry in page:
            service = services.get(entry.service_id)
            if service is None:
                continue
            overdue = "never checked" if np.isinf(entry.age_days) else f"{int(entry.overdue_days)} days overdue"
            rows.append({"service": service, "checked": _checked(checks.get(service.pk)), "overdue": overdue})
    return render(
        request,
        "freshness/review.html",
        {
            "ward": ward,
            "wards": wards,
            "rows": rows,
            "page": page,
            "form": CheckForm(),
            "next": request.get_full_path(),
        },
    )


def _service_for(user, uuid) -> Service:
    """A listing this user may check or edit: any, for link workers; their organisation's, for its editors."""
    service = Service.objects.select_related("organisation").filter(uuid=uuid).first()
    if service is None:
        raise Http404("No such listing")
    if role_of(user) in CARE:
        return service
    profile = profile_of(user)
    if profile and profile.role == Role.ORGANISATION_EDITOR and profile.organisation_id == service.organisation_id:
        return service
    raise Http404("No such listing")


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/"):
        return target
    return fallback


@require_POST
@staff_required(*CARE, Role.ORGANISATION_EDITOR, to="check a listing")
def record_check(request, uuid):
    service = _service_for(request.user, uuid)
    form = CheckForm(request.POST)
    if form.is_valid():
        upkeep.record_check(
            user=request.user,
            service=service,
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
            public_note=form.cleaned_data["public_note"],
        )
        messages.success(request, f"Recorded a check of {service.name}.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(_back(request, reverse("directory:service", args=[service.uuid])))


def freshness(request):
    """Per ward of a local authority: how many listings were checked within their review period."""
    code = request.GET.get("la") or main_authority() or ""
    la = Area.objects.without_geometry().filter(code=code, level=AreaLevel.LOCAL_AUTHORITY).first()
    if la is None:
        return HttpResponse(unknown_authority_text(), status=400, content_type="text/plain")
    index = get_index()
    everything = np.arange(len(index.service_id))
    ages, periods = ages_and_periods(index, everything)
    counts = by_area(index.ward, index.service_id, ages, periods, len(index.area_codes))
    rows = []
    for ward_code, name in (
        Area.objects.without_geometry()
        .filter(level=AreaLevel.WARD, local_authority=la)
        .order_by("name")
        .values_list("code", "name")
    ):
        i = index.area_positions.get(ward_code)
        listings = int(counts["listings"][i]) if i is not None else 0
        fresh = int(counts["fresh"][i]) if i is not None else 0
        rows.append(
            {
                "code": ward_code,
                "name": name,
                "listings": listings,
                "fresh": fresh,
                "share": round(100 * fresh / listings) if listings else None,
                "stale": int(counts["stale"][i]) if i is not None else 0,
                "never": int(counts["never"][i]) if i is not None else 0,
            }
        )
    rows.sort(key=lambda r: (r["share"] if r["share"] is not None else 101, r["name"]))
    authorities = Area.objects.without_geometry().filter(level=AreaLevel.LOCAL_AUTHORITY).order_by("name")
    total, fresh = sum(r["listings"] for r in rows), sum(r["fresh"] for r in rows)
    return render(
        request,
        "freshness/dashboard.html",
        {"la": la, "authorities": authorities, "rows": rows, "total": total, "fresh": fresh,
         "share": round(100 * fresh / total) if total else None, "default_days": DEFAULT_REVIEW_DAYS},
    )  # fmt: skip


def suggest(request, uuid):
    """Anyone can say a listing has changed or closed; a person decides."""
    service = get_object_or_404(Service.objects.select_related("organisation"), uuid=uuid)
    form = SuggestionForm(request.POST or None)
    if request.method == "POST":
        if is_ratelimited(request, group="suggest", key="ip", rate="5/h", increment=True):
            return render(
                request, "freshness/suggest.html", {"service": service, "form": form, "limited": True}, status=429
            )
        if form.is_valid():
            if not form.cleaned_data["website"]:  # filled in only by bots: thank them and keep nothing
                data = form.cleaned_data
                upkeep.suggest(service=service, kind=data["kind"], details=data["details"], reply_to=data["reply_to"])
            return render(request, "freshness/suggest_thanks.html", {"service": service})
        return render(request, "freshness/suggest.html", {"service": service, "form": form}, status=400)
    return render(request, "freshness/suggest.html", {"service": service, "form": form})


@staff_required(*CARE, to="review suggested changes to listings")
def suggestions(request):
    waiting = Suggestion.objects.filter(status=Suggestion.Status.WAITING).select_related("service__organisation")
    page = Paginator(waiting, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "freshness/suggestions.html", {"page": page})


def _listing_initial(service: Service) -> dict:
    initial = {f: getattr(service, f) for f in upkeep.EDITABLE}
    rule = upkeep.weekly(service)
    if rule is not None:
        initial.update(
            days=[d for d in rule.byday.split(",") if d],
            opens_at=f"{rule.opens_at:%H:%M}" if rule.opens_at else "",
            closes_at=f"{rule.closes_at:%H:%M}" if rule.closes_at else "",
        )
    return initial


@staff_required(*CARE, to="review suggested changes to listings")
def suggestion(request, pk):
    found = get_object_or_404(Suggestion.objects.select_related("service__organisation"), pk=pk)
    service = found.service
    listing = ListingForm(request.POST or None, initial=_listing_initial(service), prefix="listing")
    decision = DecisionForm(request.POST or None)
    if request.method == "POST":
        accept = request.POST.get("decision") == "accept"
        edits = accept and found.kind == Suggestion.Kind.CHANGE  # a closure or pause only sets the status
        if decision.is_valid() and (not edits or listing.is_valid()):
            try:
                upkeep.decide_suggestion(
                    user=request.user,
                    suggestion=found,
                    accept=accept,
                    changes=listing.cleaned_data if edits else {},
                    method=decision.cleaned_data["method"],
                    note=decision.cleaned_data["note"],
                )
            except upkeep.ListingError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Suggestion {'accepted' if accept else 'rejected'}: {service.name}.")
            return redirect("freshness:suggestions")
        if not edits:
            # Rejecting, or a closure: the listing's boxes were not the question, so their answers are kept
            # but not judged.
            listing._errors = ErrorDict()
    status = 400 if request.method == "POST" else 200
    context = {"suggestion": found, "service": service, "listing": listing, "decision": decision}
    return render(request, "freshness/suggestion.html", context, status=status)


def claim(request, uuid):
    """An organisation asks to look after its listings."""
    organisation = get_object_or_404(Organisation.objects.select_related("folded_into"), uuid=uuid)
    if organisation.folded_into is not None:  # claim the organisation its listings moved to
        return redirect("freshness:claim", organisation.folded_into.uuid)
    form = ClaimForm(request.POST or None)
    if request.method == "POST":
        if is_ratelimited(request, group="claim", key="ip", rate="5/h", increment=True):
            context = {"organisation": organisation, "form": form, "limited": True}
            return render(request, "freshness/claim.html", context, status=429)
        if form.is_valid():
            data = form.cleaned_data
            made = None
            if not data["website"]:
                made = upkeep.claim(
                    organisation=organisation,
                    name=data["name"],
                    email=data["email"],
                    role_at_organisation=data["role_at_organisation"],
                )
            return render(request, "freshness/claim_sent.html", {"organisation": organisation, "claim": made})
        return render(request, "freshness/claim.html", {"organisation": organisation, "form": form}, status=400)
    return render(request, "freshness/claim.html", {"organisation": organisation, "form": form})


def claim_confirm(request, token):
    try:
        found = upkeep.claim_from_token(token)
    except upkeep.ListingError as error:
        return render(request, "freshness/claim_confirm.html", {"error": str(error)}, status=400)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            upkeep.confirm_claim(claim=found, password=form.cleaned_data["password"])
        except upkeep.ListingError as error:
            return render(request, "freshness/claim_confirm.html", {"error": str(error)}, status=400)
        messages.success(request, f"Confirmed. Sign in with {found.email} as your username to update your listings.")
        return redirect("accounts:login")
    status = 400 if request.method == "POST" else 200
    return render(request, "freshness/claim_confirm.html", {"claim": found, "form": form}, status=status)


@staff_required(Role.ADMINISTRATOR, to="decide claims to manage listings")
def claims(request):
    if request.method == "POST":
        found = get_object_or_404(
            Claim.objects.select_related("organisation"), pk=as_id(request.POST.get("claim")) or 0
        )
        try:
            upkeep.approve_claim(user=request.user, claim=found, approve=request.POST.get("decision") == "approve")
        except upkeep.ListingError as error:
            messages.error(request, str(error))
        else:
            approved = found.status == found.Status.EMAILED
            messages.success(
                request,
                f"Approved: we emailed {found.email} a link to finish the claim for {found.organisation.name}."
                if approved
                else f"Refused: {found.name} will not look after {found.organisation.name}'s listings.",
            )
        return redirect("freshness:claims")
    waiting = Claim.objects.filter(status=Claim.Status.WAITING).select_related("organisation")
    return render(request, "freshness/claims.html", {"claims": waiting})


@staff_required(Role.ORGANISATION_EDITOR, to="manage your organisation's listings")
def my_listings(request):
    """An organisation's own listings, with when each was last checked and a way to confirm or edit it."""
    profile = profile_of(request.user)
    if profile is None or profile.organisation_id is None:
        return render(request, "freshness/my_listings.html", {"organisation": None, "rows": []})
    services = list(Service.objects.filter(organisation_id=profile.organisation_id).order_by("name"))
    checks = _latest_checks([s.pk for s in services])
    rows = [{"service": s, "checked": _checked(checks.get(s.pk))} for s in services]
    places = _places(profile.organisation_id)
    event = EventForm(request.POST or None, places=places)
    if request.method == "POST" and event.is_valid():
        data = event.cleaned_data
        made = upkeep.add_event(
            user=request.user,
            organisation=profile.organisation,
            location=Location.objects.get(pk=data["place"]),
            name=data["name"],
            description=data["description"],
            day=data["day"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
        )
        messages.success(request, f"Added {made.name} on {data['day']:%-d %B}: it is in what's on and the directory.")
        return redirect("freshness:my_listings")
    context = {
        "organisation": profile.organisation,
        "rows": rows,
        "form": CheckForm(),
        "event": event,
        "next": request.get_full_path(),
    }
    return render(request, "freshness/my_listings.html", context, status=400 if request.method == "POST" else 200)


def _places(organisation_id: int) -> list[tuple[str, str]]:
    """The places the organisation's listings meet at, for its events."""
    return [
        (str(pk), name or "A place")
        for pk, name in Location.objects.filter(service_at_locations__service__organisation_id=organisation_id)
        .distinct()
        .order_by("name")
        .values_list("pk", "name")
    ]


@staff_required(*CARE, Role.ORGANISATION_EDITOR, to="edit a listing")
def edit_listing(request, uuid):
    service = _service_for(request.user, uuid)
    form = ListingForm(request.POST or None, initial=_listing_initial(service))
    if request.method == "POST" and form.is_valid():
        by_organisation = role_of(request.user) == Role.ORGANISATION_EDITOR
        try:
            upkeep.edit_listing(
                user=request.user, service=service, changes=form.cleaned_data,
                via="organisation editor" if by_organisation else "staff",
            )  # fmt: skip
            if by_organisation:
                upkeep.record_check(
                    user=request.user, service=service, method=ListingCheck.Method.ORGANISATION_CONFIRMED
                )
        except upkeep.ListingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Saved {service.name}.")
            return redirect("directory:service", service.uuid)
    status = 400 if request.method == "POST" else 200
    return render(request, "freshness/edit.html", {"service": service, "form": form}, status=status)
