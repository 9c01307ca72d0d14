"""Decisions people make about imports: whether two organisations from different sources are one."""

from django.db import transaction

from kith.accounts.models import StaffProfile
from kith.directory import services as directory
from kith.directory.models import Contact, Location, Phone, Service
from kith.feeds.models import OrganisationLink, PossibleDuplicate
from kith.people import services as people


class DecisionError(ValueError):
    pass


@transaction.atomic
def decide_duplicate(pair: PossibleDuplicate, decision: str, *, user=None) -> None:
    """`same` folds the second organisation into the first and links its source id; `different` keeps both."""
    if pair.decided:
        raise DecisionError("Someone has already decided this pair.")
    if decision == "different":
        pair.decided = "different"
        pair.save(update_fields=["decided"])
        return
    if decision != "same":
        raise DecisionError("Choose 'same' or 'different'.")
    keep, fold = pair.first, pair.second
    moved = list(Service.objects.filter(organisation=fold).values_list("id", flat=True))
    Service.objects.filter(id__in=moved).update(organisation=keep)
    # Consents to share with the folded organisation now name the kept one, audited one by one.
    people.move_organisation_consents(user=user, from_organisation=fold, to_organisation=keep)
    for model in (Location, Contact, Phone, OrganisationLink, StaffProfile):
        model.objects.filter(organisation=fold).update(organisation=keep)
    if fold.source and fold.source_id:  # the next harvest of that source finds the kept organisation
        OrganisationLink.objects.get_or_create(
            source=fold.source, source_id=fold.source_id, defaults={"organisation": keep}
        )
    # Undecided pairs that named the folded organisation now name the kept one; deleting it drops the old rows.
    for other in PossibleDuplicate.objects.filter(decided="").exclude(pk=pair.pk).filter(first=fold) | (
        PossibleDuplicate.objects.filter(decided="").exclude(pk=pair.pk).filter(second=fold)
    ):
        first, second = (keep if o == fold else o for o in (other.first, other.second))
        if first != second:
            PossibleDuplicate.objects.get_or_create(first=first, second=second, defaults={"reason": other.reason})
    # The pair stays as the record of the decision; deleting the folded organisation empties `second`.
    pair.decided, pair.folded_name = "same", fold.name
    pair.save(update_fields=["decided", "folded_name"])
    fold.delete()
    if moved:
        directory.services_changed(service_ids=moved)
