"""Place points in the areas that contain them, using boundaries loaded in the database."""

import threading
from dataclasses import dataclass

import shapely

from kith.geo.locate import PolygonIndex
from kith.geo.models import Area, GeographyLoad


@dataclass(frozen=True)
class Placement:
    lsoa: str | None
    ward: str | None
    local_authority: str | None


class AreaPlacer:
    def __init__(self):
        lsoas = list(Area.objects.lsoas().values_list("code", "geometry"))
        # Wards of an earlier vintage overlap their successors: leave them out.
        wards = list(Area.objects.current_wards().values_list("code", "geometry", "local_authority_id"))
        self.lsoa_index = PolygonIndex([c for c, _ in lsoas], [shapely.from_geojson(g) for _, g in lsoas])
        self.ward_index = PolygonIndex([c for c, _, _ in wards], [shapely.from_geojson(g) for _, g, _ in wards])
        self.la_of_ward = {c: la for c, _, la in wards}

    def place(self, lons, lats) -> list[Placement]:
        lsoas = self.lsoa_index.locate(lons, lats)
        wards = self.ward_index.locate(lons, lats)
        return [Placement(lsoa, ward, self.la_of_ward.get(ward)) for lsoa, ward in zip(lsoas, wards, strict=True)]


_lock = threading.Lock()
_placer: tuple[int | None, AreaPlacer] | None = None


def area_placer() -> AreaPlacer:
    """The placer for the boundaries loaded now; rebuilt after `kith load-geography`."""
    global _placer
    load_id = GeographyLoad.objects.order_by("-loaded_at").values_list("id", flat=True).first()
    with _lock:
        if _placer is None or _placer[0] != load_id:
            _placer = (load_id, AreaPlacer())
        return _placer[1]
