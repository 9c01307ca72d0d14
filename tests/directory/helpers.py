"""Make listings for tests through the same writer the demo builder uses."""

import datetime as dt
import math

from django.utils import timezone

from kith.directory import services
from kith.directory.demo.spec import AssetSpec, ScheduleSpec, VenueSpec
from kith.directory.demo.writer import write_assets
from kith.directory.models import Service

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
) -> AssetSpec:
    venue = VenueSpec(
        key or f"test:{name}", f"{name} venue", at[0], at[1], "1 Test Street", "Manchester", step_free=step_free
    )
    return AssetSpec(
        source="test",
        source_id=name,
        organisation=f"{name} organisers",
        name=name,
        description=description,
        categories=list(categories),
        kind="vcse",
        scope="local",
        venue=venue,
        schedules=[ScheduleSpec(byday=days, opens_at=opens, closes_at=closes)] if days else [],
        cost=cost,
        minimum_age=min_age,
        maximum_age=max_age,
        checks=[(checked_days_ago, "phoned", "link worker")] if checked_days_ago is not None else [],
    )


def add(*specs: AssetSpec) -> list[Service]:
    write_assets(list(specs), now=timezone.now(), progress=lambda *a: None)
    made = list(Service.objects.filter(source="demo", source_id__in=[f"test:{s.source_id}" for s in specs]))
    services.services_changed(service_ids=[s.id for s in made])
    return sorted(made, key=lambda s: [x.name for x in specs].index(s.name))
