"""insert_rows stores exactly what bulk_create would, on both databases."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from kith.directory.models import Attribute, CostOption, Schedule, TaxonomyTerm
from kith.feeds.importers.rows import insert_rows
from tests.directory.helpers import add, listing

pytestmark = pytest.mark.django_db

COMPARED = ("updated_at", "created_at", "id", "uuid")


def _stored(model, source):
    rows = model.objects.filter(source=source).order_by("description" if model is Schedule else "amount")
    return [{k: v for k, v in row.items() if k not in COMPARED} for row in rows.values()]


@pytest.mark.parametrize(
    "make",
    [
        lambda service, source: [
            Schedule(
                service=service,
                freq=Schedule.Frequency.WEEKLY,
                byday="MO,TH",
                opens_at=dt.time(9, 30),
                closes_at=dt.time(11),
                dtstart=dt.date(2026, 1, 5),
                until=None,
                interval=2,
                description=f"Row {n} – with ‘curly’ quotes",
                source=source,
                is_demo=bool(n % 2),
                harvested_at=dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC),
            )
            for n in range(3)
        ],
        lambda service, source: [
            CostOption(service=service, amount=amount, option="Free" if amount == 0 else "", source=source)
            for amount in (0, 2.5, 12)
        ],
    ],
    ids=["schedules", "cost options"],
)
def test_rows_match_bulk_create(make):
    (service,) = add(listing("Row test"))
    model = type(make(service, "x")[0])
    model.objects.bulk_create(make(service, "orm"))
    assert insert_rows(model, make(service, "raw")) == 3
    assert _stored(model, "raw") == [{**row, "source": "raw"} for row in _stored(model, "orm")]
    stored = model.objects.filter(source="raw")
    assert len({row.uuid for row in stored}) == 3 and all(row.created_at and row.updated_at for row in stored)


def test_no_rows_is_nothing():
    assert insert_rows(Schedule, []) == 0


def test_conflicting_rows_can_be_ignored():
    (service,) = add(listing("Row test"))
    term = TaxonomyTerm.objects.get(code="social")

    def attribute():
        return Attribute(link_entity="service", link_id=service.uuid, taxonomy_term=term, source="raw")

    insert_rows(Attribute, [attribute(), attribute()], ignore_conflicts=True)
    assert Attribute.objects.filter(source="raw").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Attribute, [attribute()])
