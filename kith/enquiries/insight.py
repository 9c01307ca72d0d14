"""Enquiries and unmet searches as demand data: counts per ward and category, never who or what words."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from kith.core import disclosure
from kith.directory.models import TaxonomyTerm
from kith.enquiries.models import Enquiry, UnmetSearch


def ward_demand(ward_code: str, *, days: int = 365) -> list[dict]:
    """Per category: enquiries asked, those where nothing suitable was found, and public searches that found
    nothing; each a count that stands for people, so each passes disclosure control."""
    since = timezone.now() - dt.timedelta(days=days)
    names = dict(TaxonomyTerm.objects.what_matters().values_list("code", "name"))
    rows: dict[str, dict] = {}
    for code, asked, nothing in (
        Enquiry.objects.filter(ward_id=ward_code, asked_at__gte=since)
        .values_list("category__code")
        .annotate(asked=Count("id"), nothing=Count("id", filter=Q(outcome=Enquiry.Outcome.NOTHING)))
        .values_list("category__code", "asked", "nothing")
    ):
        rows.setdefault(code or "", {"asked": 0, "nothing": 0, "searches": 0}).update(asked=asked, nothing=nothing)
    for code, searches in (
        UnmetSearch.objects.filter(area_id=ward_code, searched_on__gte=since.date())
        .values_list("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    ):
        rows.setdefault(code or "", {"asked": 0, "nothing": 0, "searches": 0})["searches"] = searches
    return [
        {
            "category": names.get(code, "Anything") if code else "Anything",
            "asked": disclosure.count(row["asked"]),
            "nothing": disclosure.count(row["nothing"]),
            "searches": disclosure.count(row["searches"]),
        }
        for code, row in sorted(rows.items(), key=lambda item: -(item[1]["asked"] + item[1]["searches"]))
    ]


def unmet_search_dates(ward_code: str, *, days: int = 400) -> list:
    """The day of each public search in the ward that found nothing, for a trend of its own."""
    since = timezone.localdate() - dt.timedelta(days=days)
    return list(
        UnmetSearch.objects.filter(area_id=ward_code, searched_on__gte=since).values_list("searched_on", flat=True)
    )
