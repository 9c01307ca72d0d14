"""Suggestions, connections, shared lists, referrals, and what organisations see."""

import uuid as uuid_module

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kith.accounts.decorators import staff_required
from kith.accounts.models import Profession, Role
from kith.accounts.roles import CARE, profile_of
from kith.directory.models import Service
from kith.directory.presenters import cost_text, when_text
from kith.directory.public import public_place
from kith.matching import access as matching_access
from kith.matching import services as matching
from kith.matching.forms import ConnectionForm, ReferralForm
from kith.matching.suggest import ORDER, barrier_notes, nothing_fits, suggest
from kith.people import access
from kith.people import services as people
from kith.people.access import matching_needs
from kith.people.views import person_page

REFERRAL_SOURCE = {Profession.GP: "gp", Profession.PHYSIO: "physio", Profession.SOCIAL_WORKER: "social-worker"}


def _uuids(values) -> list[uuid_module.UUID]:
    """The values that are ids; anything else a form was made to send is ignored."""
    found = []
    for value in values:
        try:
            found.append(uuid_module.UUID(str(value)))
        except ValueError:
            continue
    return found


@staff_required(*CARE, to="see suggestions for a person")
def suggestions(request, uuid):
    person = access.access_person(request.user, uuid, purpose="suggestions")
    if request.method == "POST":
        chosen = list(Service.objects.filter(uuid__in=_uuids(request.POST.getlist("service")[:50])))
        if not chosen:
            messages.error(request, "Choose at least one suggestion first.")
            return redirect("matching:suggestions", person.uuid)
        if request.POST.get("action") == "share":
            shared = matching.share_list(user=request.user, person=person, services=chosen)
            messages.success(request, f"List made. The link works until {shared.expires_at:%-d %B %Y}.")
            return redirect("matching:shared_list", shared.token)
        made = matching.connect(user=request.user, person=person, services=chosen)
        messages.success(request, f"{len(made)} connection{'s' if len(made) != 1 else ''} recorded as suggested.")
        return redirect(reverse("people:person", args=[person.uuid]) + "#connections")
    found = suggest(person)
    taken, unanswered = barrier_notes(matching_needs(person).barriers)
    context = {"person": person, "suggestions": found, "order": ORDER, "taken": taken, "unanswered": unanswered}
    if not found:
        context["why"] = nothing_fits(person)
    return render(request, "matching/suggestions.html", context)


@require_POST
@staff_required(*CARE, to="update a connection")
def connection_update(request, uuid, connection_id):
    person = access.access_person(request.user, uuid, purpose="update connection")
    connection = matching_access.access_connection(request.user, person, connection_id)
    form = ConnectionForm(request.POST, auto_id=f"%s-{connection.pk}")
    if form.is_valid():
        try:
            matching.update_connection(user=request.user, connection=connection, **form.cleaned_data)
        except people.RecordError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{connection.service.name}: updated.")
            return redirect(reverse("people:person", args=[person.uuid]) + "#connections")
    # Shown again on the record with what was typed and each error beside its box.
    return person_page(request, person, connection_form=(connection.pk, form), status=400)


@require_POST
@staff_required(*CARE, to="stop a shared list")
def revoke_list(request, uuid, list_id):
    """Stop a shared list's link working at once (a link sent to the wrong person, or no longer wanted)."""
    person = access.access_person(request.user, uuid, purpose="revoke shared list")
    shared = person.shared_lists.filter(pk=list_id, revoked_at__isnull=True).first()
    if shared is None:
        messages.error(request, "That list's link has already stopped working.")
    else:
        matching.revoke_list(user=request.user, shared=shared)
        messages.success(request, "The list's link no longer works. Anyone who opens it is told it has ended.")
    return redirect(reverse("people:person", args=[person.uuid]) + "#lists")


def shared_list(request, token):
    """Public: anyone with the link. It shows the chosen activities and nothing about the person."""
    shared = matching_access.access_shared_list(token)
    items = []
    for item in shared.items.select_related("service__organisation").prefetch_related(
        "service__schedules",
        "service__cost_options",
        "service__phones",
        "service__service_at_locations__location__addresses",
        "service__service_at_locations__location__schedules",
    ):
        service = item.service
        placements = list(service.service_at_locations.all())
        location = placements[0].location if placements else None
        place = public_place(location)
        items.append(
            {
                "service": service,
                "where": place.text if place else "",
                "when": when_text(service, location),
                "cost": cost_text(service),
                "transport": place.transportation if place else "",
                "phones": list(service.phones.all()),
            }
        )
    response = render(request, "matching/shared_list.html", {"shared": shared, "items": items})
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the link is the key: never pass it on
    return response


@staff_required(Role.PROFESSIONAL, to="make and follow referrals")
def referrals(request):
    """A professional's referrals and what became of each; a new one goes to the queue of the team that
    covers the person's postcode."""
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profession = profile_of(request.user).profession
        try:
            made = people.make_referral(
                user=request.user,
                source=REFERRAL_SOURCE.get(profession, "other"),
                postcode=data["postcode"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                nhs_number=data["nhs_number"],
                phone=data["phone"],
                words=data["reason"],
                agreed=data["agreed"],
                snomed_code="871731000000106",
            )
        except people.RecordError as error:
            form.add_error("postcode", str(error))
        else:
            messages.success(
                request,
                f"Referral sent to {made.team.name}. Someone will contact {made.given_name} by "
                f"{people.contact_by(made.received_at):%A %-d %B}.",
            )
            return redirect("matching:referrals")
    return render(
        request,
        "matching/referrals.html",
        {"form": form, "summaries": access.access_referrals_made(request.user)},
        status=400 if request.method == "POST" else 200,
    )


@staff_required(Role.PROFESSIONAL, to="follow a referral")
def referral_detail(request, uuid):
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        try:
            people.withdraw_referral(user=request.user, referral=access.referral_made_by(request.user, uuid))
        except people.RecordError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Referral withdrawn.")
        return redirect("matching:referral", uuid)
    return render(request, "matching/referral.html", {"summary": access.access_referral(request.user, uuid)})


@staff_required(Role.ORGANISATION_EDITOR, to="see who your organisation has been connected with")
def organisation_connections(request):
    connections = matching_access.access_organisation_connections(request.user)
    return render(
        request,
        "matching/organisation_connections.html",
        {
            "connections": connections,
            "organisation": profile_of(request.user).organisation,
            "today": timezone.localdate(),
        },
    )
