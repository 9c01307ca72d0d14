"""Make listings for tests through the importer's writer, from a demo-kind source, as the demo builder does."""

import datetime as dt
import math

from kith.directory.models import Service
from kith.feeds.demo.spec import make_asset, make_place, make_schedule
from kith.feeds.importers.records import ServiceRecord
from kith.feeds.importers.run import run_import
from kith.feeds.models import Source

M9_4DH = (-2.2119, 53.51264)


def point_north(origin: tuple[float, float], metres: float) -> tuple[float, float]:
    """The point `metres` due north of origin on the sphere Kith uses."""
    return origin[0], origin[1] + math.degrees(metres / 6_371_008.8)


def listing(
    name,
    *,
    at=M9_4DH,
    categories=("active/walking",),
    cost=0.0,
    step_free=False,
    days="TU",
    opens=dt.time(10),
    closes=dt.time(11, 30),
    min_age=None,
    max_age=None,
    checked_days_ago=10,
    description="A friendly group.",
    key=None,
    kind="vcse",
) -> ServiceRecord:
    venue = make_place(
        key or f"test:{name}", f"{name} venue", at[0], at[1], "1 Test Street", "Manchester", step_free=step_free
    )
    return make_asset(
        source="test",
        source_id=name,
        organisation=f"{name} organisers",
        name=name,
        description=description,
        categories=list(categories),
        kind=kind,
        scope="local",
        venue=venue,
        schedules=[make_schedule(byday=days, opens_at=opens, closes_at=closes)] if days else [],
        cost=cost,
        minimum_age=min_age,
        maximum_age=max_age,
        checks=[(checked_days_ago, "phoned", "link worker")] if checked_days_ago is not None else [],
    )


def add(*records: ServiceRecord) -> list[Service]:
    """Write these listings (adding to what is there) and return them in the order given."""
    source, _ = Source.objects.get_or_create(
        kind=Source.Kind.DEMO, location="packaged:test-listings", defaults={"name": "Test listings"}
    )
    run = run_import(source, list(records), complete=False)
    assert run.status == "done", run.error
    made = {
        s.source_id: s for s in Service.objects.filter(source=source.key, source_id__in=[r.source_id for r in records])
    }
    return [made[r.source_id] for r in records]
