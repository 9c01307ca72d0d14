"""`kith demo-data`: a deterministic demo directory from real asset lists plus generated groups, written
through the importer's writer from a source of kind "demo", as any feed is."""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

import shapely
from django.db import transaction
from django.utils import timezone

from kith.directory.models import DemoBuild, Location, Organisation, Service
from kith.directory.services import place_locations, reindex_all
from kith.feeds.demo.generate import Ward, generate
from kith.feeds.demo.sources import real_assets
from kith.feeds.demo.spec import demo_list
from kith.feeds.importers.records import ServiceRecord
from kith.feeds.importers.run import run_import
from kith.feeds.models import Source
from kith.geo.models import Area, Postcode

DEMO_SOURCE = "Kith demo directory"


@dataclass
class DemoResult:
    skipped: bool
    services: int = 0
    organisations: int = 0
    locations: int = 0
    by_source: dict[str, int] = field(default_factory=dict)


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def build_demo_directory(*, seed: int, generated: int, force: bool = False, progress=_quiet) -> DemoResult:
    if not Postcode.objects.exists():
        raise RuntimeError("Load the geography first: kith load-geography.")
    existing = DemoBuild.objects.order_by("-built_at").first()
    if existing and not force:
        if existing.seed == seed and existing.generated == generated:
            return DemoResult(skipped=True, services=Service.objects.filter(is_demo=True).count())
        raise RuntimeError(
            f"A demo directory built with seed {existing.seed} and {existing.generated} generated services "
            "is here already; use --force to replace it."
        )
    rng = random.Random(seed)
    points = {
        pc: (lon, lat)
        for pc, lon, lat in Postcode.objects.filter(lat__isnull=False).values_list("postcode", "lon", "lat")
    }
    real = list(real_assets(lambda postcode: points.get(" ".join(postcode.upper().split()))))
    progress("real assets read", len(real), len(real))

    # Place real venues in wards, so that generated groups can meet in them.
    venues = {loc.source_id: loc for a in real for loc in a.locations}
    probes = [Location(longitude=v.longitude, latitude=v.latitude) for v in venues.values()]
    place_locations(probes)
    venues_by_ward: dict[str, list] = {}
    for venue, probe in zip(venues.values(), probes, strict=True):
        if probe.ward_id:
            venues_by_ward.setdefault(probe.ward_id, []).append(venue)
    wards = [
        Ward(code, name, la_name, shapely.from_geojson(geometry))
        for code, name, la_name, geometry in Area.objects.wards()
        .order_by("code")
        .values_list("code", "name", "local_authority__name", "geometry")
    ]
    made = generate(rng, wards, venues_by_ward, generated)
    progress("groups generated", len(made), len(made))
    now = timezone.now()
    for asset in real:
        # Real lists were published some time ago: record the import as their last check.
        asset.checks = [(now - dt.timedelta(days=rng.randint(20, 700)), "imported", "import")]

    assets: list[ServiceRecord] = real + made
    with transaction.atomic():
        if force:
            Service.objects.filter(is_demo=True).delete()
            Location.objects.filter(is_demo=True).delete()
            Organisation.objects.filter(is_demo=True).delete()
            DemoBuild.objects.all().delete()
        source, _ = Source.objects.get_or_create(
            kind=Source.Kind.DEMO, location="packaged:demo", defaults={"name": DEMO_SOURCE}
        )
        run = run_import(source, assets, progress=progress)
        if run.status != "done":
            raise RuntimeError(f"The demo directory could not be written: {run.error}")
        progress("search index", 0, 1)
        reindex_all()
        progress("search index", 1, 1)
        by_source = dict(Counter(demo_list(a) for a in assets))
        counts = {
            "organisations": Organisation.objects.filter(source=source.key).count(),
            "locations": Location.objects.filter(source=source.key).count(),
            "services": Service.objects.filter(source=source.key).count(),
        }
        DemoBuild.objects.create(seed=seed, generated=generated, counts={**counts, "by_source": by_source})
    return DemoResult(
        skipped=False,
        services=counts["services"],
        organisations=counts["organisations"],
        locations=counts["locations"],
        by_source=by_source,
    )
