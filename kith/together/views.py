"""Interest pools per neighbourhood and group opportunities from idea to a running group that is a listing."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kith.accounts.decorators import staff_required
from kith.accounts.models import Role
from kith.accounts.roles import CARE, profile_of, role_of
from kith.core import disclosure
from kith.core.converters import as_id
from kith.directory.models import Organisation, TaxonomyTerm
from kith.directory.taxonomy import WHAT_MATTERS
from kith.enquiries.access import covered_wards
from kith.geo.models import Area, AreaLevel
from kith.people import access as people_access
from kith.together import services as groups
from kith.together.forms import ContactForm, ListingForm, OpenForm, TaskForm
from kith.together.models import STAGE_ORDER, GroupOpportunity, Stage, Task
from kith.together.pools import pools_in


def _ward(request, code: str | None = None):
    code = code or request.GET.get("ward") or next(iter(covered_wards(request.user)), "")
    if not code:
        return None
    ward = Area.objects.without_geometry().filter(code=code, level=AreaLevel.WARD).first()
    if ward is None:
        raise Http404("No such ward")
    return ward


def _opportunities(user):
    if role_of(user) == Role.ADMINISTRATOR:
        return GroupOpportunity.objects.all()
    profile = profile_of(user)
    return (
        GroupOpportunity.objects.filter(team_id=profile.team_id)
        if profile and profile.team_id
        else GroupOpportunity.objects.none()
    )


@staff_required(*CARE, to="see pools and group opportunities")
def board(request):
    """A neighbourhood's pools (names only for the team's own people) and its group opportunities."""
    ward = _ward(request)
    wards = Area.objects.without_geometry().filter(code__in=covered_wards(request.user)).order_by("name")
    if ward is None:
        return render(request, "together/board.html", {"wards": wards, "ward": None})
    pools = pools_in(ward.code)
    rows = []
    for pool in pools:
        ours = people_access.access_pool(request.user, pool.person_ids, purpose="interest pool")
        rows.append({"pool": pool, "ours": ours, "all": disclosure.count(pool.size)})
    opportunities = _opportunities(request.user).filter(ward=ward).select_related("category", "listing")
    context = {"wards": wards, "ward": ward, "rows": rows, "opportunities": opportunities, "stages": Stage.choices}
    return render(request, "together/board.html", context)


@staff_required(*CARE, to="open a group opportunity")
def open_opportunity(request, ward_code, category):
    ward = _ward(request, ward_code)
    term = TaxonomyTerm.objects.filter(taxonomy__source_id=WHAT_MATTERS, code=category).first()
    if term is None:
        raise Http404("No such category")
    pool = next((p for p in pools_in(ward.code) if p.category == category), None)
    partners = list(
        Organisation.objects.filter(services__service_at_locations__location__ward_id=ward.code)
        .distinct().order_by("name").values_list("pk", "name")[:300]
    )  # fmt: skip
    form = OpenForm(request.POST or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partner = Organisation.objects.filter(pk=data["partner"]).first() if data["partner"] else None
        try:
            opportunity = groups.open_opportunity(
                user=request.user, ward=ward, category=term, title=data["title"], path=data["path"],
                partner=partner, pool_size=pool.size if pool else 0,
            )  # fmt: skip
        except groups.GroupError as error:
            form.add_error(None, str(error))
        else:
            return redirect("together:opportunity", opportunity.uuid)
    status = 400 if request.method == "POST" else 200
    # A group already being started for the same want in the same ward: better joined than doubled.
    existing = list(
        _opportunities(request.user)
        .filter(ward=ward, category=term)
        .exclude(stage=Stage.HANDED_OVER)
        .order_by("opened_at")
    )
    context = {"ward": ward, "term": term, "form": form, "pool": pool, "existing": existing}
    return render(request, "together/open.html", context, status=status)


def _opportunity(request, uuid) -> GroupOpportunity:
    found = (
        _opportunities(request.user).select_related("ward", "category", "partner", "listing").filter(uuid=uuid).first()
    )
    if found is None:
        raise Http404("No such group opportunity")
    return found


def _listing_initial(found: GroupOpportunity) -> dict:
    """The new listing's contact is the partner organisation's, unless someone says otherwise."""
    initial = {"name": found.title}
    if found.partner_id:
        phone = found.partner.phones.values_list("number", flat=True).first()
        initial.update(phone=phone or "", email=found.partner.email)
    return initial


def _page(request, found: GroupOpportunity, *, listing_form=None, task_form=None, status=200):
    pool = next((p for p in pools_in(found.ward_id) if p.category == found.category.code), None)
    # Everyone contacted stays on the group for its whole life, even once the pool has gone (a listing
    # now meets the need): somebody may not have answered yet.
    contacted = set(found.contacts.values_list("person_id", flat=True))
    ids = set(pool.person_ids if pool else []) | contacted
    members = people_access.access_pool(request.user, ids, purpose="group opportunity")
    contacts = {}
    for contact in found.contacts.select_related("by"):
        contacts.setdefault(contact.person_id, contact)
    position = STAGE_ORDER.index(found.stage)
    labels = dict(Stage.choices)
    previous = STAGE_ORDER[position - 1] if position > 0 else None
    following = STAGE_ORDER[position + 1] if position + 1 < len(STAGE_ORDER) else None
    return render(
        request,
        "together/opportunity.html",
        {
            "opportunity": found,
            "stages": [(value, label, i < position, i == position) for i, (value, label) in enumerate(Stage.choices)],
            "previous": previous,
            "previous_label": labels.get(previous, ""),
            "next": following,
            "next_label": labels.get(following, ""),
            "members": [(m, contacts.get(m.pk)) for m in members],
            "tasks": found.tasks.all(),
            "events": found.events.select_related("by")[:50],
            "contact_form": ContactForm(),
            "task_form": task_form or TaskForm(),
            "listing_form": listing_form or ListingForm(initial=_listing_initial(found)),
            "pool_size": disclosure.count(pool.size) if pool else 0,
            "pool_open": pool is not None,
        },
        status=status,
    )


@staff_required(*CARE, to="work on a group opportunity")
def opportunity(request, uuid):
    return _page(request, _opportunity(request, uuid))


@require_POST
@staff_required(*CARE, to="work on a group opportunity")
def act(request, uuid):
    """Every change to an opportunity: one thin dispatcher to the services, each with its words on failure."""
    found = _opportunity(request, uuid)
    action = request.POST.get("action", "")
    try:
        if action == "stage":
            groups.move_stage(user=request.user, opportunity=found, stage=request.POST.get("stage", ""))
        elif action == "note":
            groups.add_note(user=request.user, opportunity=found, text=request.POST.get("text", "")[:1000])
        elif action == "task":
            form = TaskForm(request.POST)
            if not form.is_valid():
                return _page(request, found, task_form=form, status=400)
            groups.add_task(user=request.user, opportunity=found, **form.cleaned_data)
        elif action == "done":
            task = Task.objects.filter(opportunity=found, pk=as_id(request.POST.get("task")) or 0).first()
            if task is None:
                raise groups.GroupError("No such task.")
            groups.complete_task(user=request.user, task=task)
        elif action == "contact":
            person = people_access.access_pool_member(
                request.user, request.POST.get("person", ""), purpose="group contact"
            )
            form = ContactForm(request.POST)
            if not form.is_valid():
                raise groups.GroupError(" ".join(e for errors in form.errors.values() for e in errors))
            groups.record_contact(user=request.user, opportunity=found, person=person, **form.cleaned_data)
        elif action == "listing":
            groups.check_can_list(found)
            form = ListingForm(request.POST)
            if not form.is_valid():
                # Errors beside their fields, with what was typed kept.
                return _page(request, found, listing_form=form, status=400)
            service = groups.make_listing(user=request.user, opportunity=found, **form.cleaned_data)
            messages.success(request, f"{service.name} is in the directory, marked as started through Kith.")
        else:
            raise groups.GroupError(
                "Choose what to do: move the stage, add a note or task, record a contact or list it."
            )
    except groups.GroupError as error:
        messages.error(request, str(error))
    return redirect("together:opportunity", found.uuid)
