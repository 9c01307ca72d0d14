"""Decisions people make about imports: whether two organisations from different sources are one."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kith.accounts.models import StaffProfile
from kith.core import audit
from kith.directory import services as directory
from kith.directory.models import Contact, Location, Phone, Service
from kith.feeds.models import OrganisationLink, PossibleDuplicate
from kith.people import services as people


class DecisionError(ValueError):
    pass


UNDO_DAYS = 30
# What a fold moves from the folded organisation to the kept one, by the name its ids are kept under.
MOVES = {
    "services": Service,
    "locations": Location,
    "contacts": Contact,
    "phones": Phone,
    "links": OrganisationLink,
    "editors": StaffProfile,
}


def what_a_fold_moves(pair: PossibleDuplicate) -> dict[str, int]:
    """How many records folding this pair would move to the first organisation, by kind (for the confirm page)."""
    counts = {kind: model.objects.filter(organisation=pair.second).count() for kind, model in MOVES.items()}
    counts["consents"] = people.organisation_consent_count(pair.second)
    return counts


def undo_until(pair: PossibleDuplicate):
    return pair.decided_at + dt.timedelta(days=UNDO_DAYS) if pair.decided_at else None


def can_undo(pair: PossibleDuplicate, *, now=None) -> bool:
    until = undo_until(pair)
    return bool(pair.decided and pair.second_id and until and (now or timezone.now()) < until)


@transaction.atomic
def decide_duplicate(pair: PossibleDuplicate, decision: str, *, user=None) -> None:
    """`same` folds the second organisation into the first and links its source id; `different` keeps both.

    The folded organisation is kept, marked as folded, so its address sends people on and the fold can be
    undone for 30 days; what moved is recorded on the pair."""
    pair = PossibleDuplicate.objects.select_for_update(of=("self",)).select_related("first", "second").get(pk=pair.pk)
    if pair.decided:
        raise DecisionError("Someone has already decided this pair.")
    if decision not in ("same", "different"):
        raise DecisionError("Choose whether they are the same organisation or different ones.")
    pair.decided, pair.decided_at, pair.decided_by = decision, timezone.now(), user
    if decision == "different":
        pair.moved = {}
        pair.save(update_fields=["decided", "decided_at", "decided_by", "moved"])
        audit.record(user=user, action="update", what="duplicate", object_id=pair.pk, change="kept apart")
        return
    keep, fold = pair.first, pair.second
    if keep.folded_into_id or fold.folded_into_id:
        raise DecisionError("One of these organisations has been folded into another already.")
    moved = {
        kind: list(model.objects.filter(organisation=fold).values_list("id", flat=True))
        for kind, model in MOVES.items()
    }
    for kind, model in MOVES.items():
        model.objects.filter(id__in=moved[kind]).update(organisation=keep)
    # Consents to share with the folded organisation now name the kept one, audited one by one.
    moved["consents"] = people.move_organisation_consents(user=user, from_organisation=fold, to_organisation=keep)
    moved["new_link"] = None
    if fold.source and fold.source_id:  # the next harvest of that source finds the kept organisation
        link, created = OrganisationLink.objects.get_or_create(
            source=fold.source, source_id=fold.source_id, defaults={"organisation": keep}
        )
        moved["new_link"] = link.pk if created else None
    # Undecided pairs that named the folded organisation are asked again of the kept one; undo removes those.
    moved["new_pairs"] = []
    for other in (
        PossibleDuplicate.objects.filter(decided="").exclude(pk=pair.pk).filter(Q(first=fold) | Q(second=fold))
    ):
        first, second = (keep if o == fold else o for o in (other.first, other.second))
        if first != second:
            asked, created = PossibleDuplicate.objects.get_or_create(
                first=first, second=second, defaults={"reason": other.reason}
            )
            if created:
                moved["new_pairs"].append(asked.pk)
    pair.folded_name, pair.moved = fold.name, moved
    pair.save(update_fields=["decided", "decided_at", "decided_by", "folded_name", "moved"])
    fold.folded_into = keep
    fold.save(update_fields=["folded_into", "updated_at"])
    audit.record(user=user, action="update", what="duplicate", object_id=pair.pk,
                 change=f"organisation {fold.pk} folded into {keep.pk}")  # fmt: skip
    if moved["services"]:
        directory.services_changed(service_ids=moved["services"])


@transaction.atomic
def undo_decision(pair: PossibleDuplicate, *, user=None, now=None) -> None:
    """Take a decision back within 30 days: a fold moves back exactly what it moved, consents included."""
    pair = PossibleDuplicate.objects.select_for_update(of=("self",)).select_related("first", "second").get(pk=pair.pk)
    if not pair.decided:
        raise DecisionError("This pair has not been decided, so there is nothing to undo.")
    if not can_undo(pair, now=now):
        raise DecisionError(f"Decisions can be undone for {UNDO_DAYS} days; this one was made longer ago.")
    keep, fold, moved = pair.first, pair.second, pair.moved or {}
    if pair.decided == "same":
        for kind, model in MOVES.items():
            model.objects.filter(id__in=moved.get(kind, []), organisation=keep).update(organisation=fold)
        people.move_organisation_consents(
            user=user, from_organisation=keep, to_organisation=fold, consent_ids=moved.get("consents", [])
        )
        if moved.get("new_link"):
            OrganisationLink.objects.filter(pk=moved["new_link"]).delete()
        PossibleDuplicate.objects.filter(pk__in=moved.get("new_pairs", []), decided="").delete()
        fold.folded_into = None
        fold.save(update_fields=["folded_into", "updated_at"])
    undone = pair.decided
    pair.decided, pair.decided_at, pair.decided_by, pair.folded_name, pair.moved = "", None, None, "", {}
    pair.save(update_fields=["decided", "decided_at", "decided_by", "folded_name", "moved"])
    audit.record(user=user, action="update", what="duplicate", object_id=pair.pk, change=f"undid '{undone}'")
    if moved.get("services"):
        directory.services_changed(service_ids=moved["services"])
