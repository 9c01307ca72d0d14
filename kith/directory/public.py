"""What of a place may be published. Every public output (pages, maps, feeds, downloads, the API) asks here.

A place marked sensitive (a refuge, a recovery group that meets in a home) keeps its name, town and the
outward half of its postcode; its street address, directions and exact point are withheld, and its point
is rounded to about a kilometre so a map can still show the area.
"""

from dataclasses import dataclass, field

from kith.directory.models import Location
from kith.directory.prefetch import related

MASKED_DECIMALS = 2  # about a kilometre
WITHHELD = "Address withheld: ask the organisation"


@dataclass(frozen=True)
class PublicPlace:
    name: str
    lines: list[str] = field(default_factory=list)  # the address as printed, one line each
    postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    transportation: str = ""
    masked: bool = False

    @property
    def text(self) -> str:
        """The place on one line, as lists and feeds show it."""
        parts = [self.name] if self.name and (not self.lines or self.name != self.lines[0]) else []
        return ", ".join(p for p in [*parts, *self.lines] if p)


def public_place(location: Location | None) -> PublicPlace | None:
    if location is None:
        return None
    addresses = list(related(location, "addresses"))
    first = addresses[0] if addresses else None
    lat, lon = location.latitude, location.longitude
    if location.is_sensitive:
        outward = (first.postal_code or "").split(" ")[0] if first else ""
        if lat is not None and lon is not None:
            lat, lon = round(lat, MASKED_DECIMALS), round(lon, MASKED_DECIMALS)
        city = first.city if first else ""
        return PublicPlace(
            name=location.name,
            lines=[WITHHELD, *[p for p in (city, outward) if p]],
            postcode=outward,
            latitude=lat,
            longitude=lon,
            masked=True,
        )
    lines = []
    if first is not None:
        lines = [p for p in (first.address_1, first.address_2, first.city, first.postal_code) if p]
    return PublicPlace(
        name=location.name,
        lines=lines,
        postcode=first.postal_code if first else "",
        latitude=lat,
        longitude=lon,
        transportation=location.transportation,
    )


def public_places(location: Location) -> list[PublicPlace]:
    """One entry per address of a place (most have one), as the listing page prints them."""
    addresses = list(related(location, "addresses"))
    if location.is_sensitive or len(addresses) <= 1:
        return [public_place(location)]
    return [
        PublicPlace(
            name=location.name,
            lines=[p for p in (a.address_1, a.address_2, a.city, a.postal_code) if p],
            postcode=a.postal_code,
            latitude=location.latitude,
            longitude=location.longitude,
            transportation=location.transportation,
        )
        for a in addresses
    ]
