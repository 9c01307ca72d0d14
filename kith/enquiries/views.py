"""Ask the locality expert: professionals ask, the ward's link workers answer from the directory."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from kith.accounts.decorators import staff_required
from kith.accounts.models import Role
from kith.accounts.roles import role_of
from kith.directory.models import Service
from kith.directory.search.engine import SearchQuery, search
from kith.enquiries import access, presenters
from kith.enquiries import services as enquiries
from kith.enquiries.forms import AnswerForm, EnquiryForm
from kith.enquiries.models import Enquiry
from kith.geo.lookup import Place
from kith.matching.suggest import needs_in_words, suggest_near

ASKERS = (Role.PROFESSIONAL,)
EVERYONE_WHO_USES_IT = (Role.PROFESSIONAL, *access.ANSWERERS)
MAX_CHOSEN = 20


@staff_required(*EVERYONE_WHO_USES_IT, to="see enquiries")
def queue(request):
    """A professional's own enquiries, or the enquiries a link worker answers: open ones first, soonest due."""
    scope = access.visible_to(request.user).select_related("ward", "category", "asked_by")
    open_ = list(scope.filter(status=Enquiry.Status.OPEN).order_by("due_at")[:200])
    since = timezone.now() - dt.timedelta(days=90)
    answered = list(scope.filter(status=Enquiry.Status.ANSWERED, asked_at__gte=since).order_by("-answered_at"))
    return render(
        request,
        "enquiries/queue.html",
        {
            "open": [presenters.row(e) for e in open_],
            "answered": [presenters.row(e) for e in answered[:50]],
            "turnaround": presenters.turnaround(answered),
            "can_ask": role_of(request.user) in ASKERS,
            "can_answer": role_of(request.user) in access.ANSWERERS,
        },
    )


@staff_required(*ASKERS, to="ask an enquiry")
def new(request):
    form = EnquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enquiry = enquiries.ask(
                user=request.user,
                ward=data["ward"],
                category=data["category"],
                need=data["need"],
                barriers=data["barriers"],
            )
        except enquiries.EnquiryError as error:
            form.add_error("need", str(error))
        else:
            messages.success(
                request, f"Sent to the link workers for {enquiry.ward.name}. Answer due by {presenters.due(enquiry)}."
            )
            return redirect("enquiries:detail", enquiry.uuid)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "working_days": settings.KITH_ENQUIRY_WORKING_DAYS}
    return render(request, "enquiries/new.html", context, status=status)


@staff_required(*EVERYONE_WHO_USES_IT, to="see an enquiry")
def detail(request, uuid):
    enquiry = access.access_enquiry(request.user, uuid)
    listings = list(
        enquiry.listings.select_related("organisation")
        .prefetch_related(
            "schedules",
            "cost_options",
            "service_at_locations__location__addresses",
            "service_at_locations__location__schedules",
        )
        .order_by("name")
    )
    return render(
        request,
        "enquiries/detail.html",
        {
            "enquiry": presenters.row(enquiry),
            "listings": presenters.answer_cards(enquiry, listings),
            "can_answer": enquiry.status == Enquiry.Status.OPEN and role_of(request.user) in access.ANSWERERS,
        },
    )


def _candidates(enquiry: Enquiry, words: str):
    """Listings to choose from: a words search near the ward, or suggestions fitted to the enquiry."""
    centre = (enquiry.ward.centroid_lon, enquiry.ward.centroid_lat)
    if words:
        place = Place(label=enquiry.ward.name, lon=centre[0], lat=centre[1])
        query = SearchQuery(words=words, place=place, radius_km=5.0, category="", sort="relevance", per_page=MAX_CHOSEN)
        hits = search(query).hits
        return [(h.service, presenters.hit_reasons(h)) for h in hits]
    # The professional's words for the need narrow the want as search reads words ("knitting" within arts).
    code = enquiry.category.code if enquiry.category else None
    needs = needs_in_words(code, enquiry.barriers, enquiry.need)
    return [(s.service, s.reasons) for s in suggest_near(centre, needs, limit=MAX_CHOSEN)]


@staff_required(*access.ANSWERERS, to="answer enquiries")
def answer(request, uuid):
    enquiry = access.access_enquiry(request.user, uuid, to_answer=True)
    if enquiry.status != Enquiry.Status.OPEN:
        messages.info(request, "This enquiry has been answered already.")
        return redirect("enquiries:detail", enquiry.uuid)
    words = request.GET.get("q", "").strip()[:200]
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        chosen = list(Service.objects.active().filter(uuid__in=_uuids(request.POST.getlist("listing")[:MAX_CHOSEN])))
        if form.is_valid():
            try:
                enquiries.answer(
                    user=request.user,
                    enquiry=enquiry,
                    services=chosen,
                    note=form.cleaned_data["note"],
                    outcome=form.cleaned_data["outcome"],
                )
            except enquiries.EnquiryError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Answer sent.")
                return redirect("enquiries:detail", enquiry.uuid)
        status = 400
    candidates = _candidates(enquiry, words)
    return render(
        request,
        "enquiries/answer.html",
        {
            "enquiry": presenters.row(enquiry),
            "form": form,
            "words": words,
            "candidates": candidates,
            "chosen": set(request.POST.getlist("listing")),
        },
        status=status,
    )


def _uuids(values):
    import uuid as uuid_module

    found = []
    for value in values:
        try:
            found.append(uuid_module.UUID(value))
        except ValueError:
            continue
    return found
