"""Turn what a person types ("M9 4DH", "Harpurhey", "E05011366") into a place on the map."""

from dataclasses import dataclass

from kith.geo.coverage import area_name
from kith.geo.models import Area, AreaLevel, Postcode
from kith.geo.postcodes import PostcodeSyntaxError, looks_like_postcode, normalise_postcode


class PlaceNotFound(ValueError):
    """The text names no place Kith knows; str(error) is a message for the person."""


@dataclass(frozen=True)
class Place:
    label: str
    lon: float
    lat: float
    postcode: str | None = None
    area: Area | None = None  # set when the place is an area rather than a point
    lsoa_code: str | None = None
    ward_code: str | None = None
    local_authority_code: str | None = None


def find_postcode(text: str) -> Postcode:
    try:
        code = normalise_postcode(text)
    except PostcodeSyntaxError as error:
        raise PlaceNotFound(str(error)) from None
    postcode = Postcode.objects.filter(postcode=code).select_related("nearest_local_authority").first()
    if postcode is None:
        raise PlaceNotFound(
            f"We do not know the postcode {code}. Kith knows every postcode in {area_name()} and in the "
            "postcode areas around it; check it, or search by the name of a ward or town."
        )
    if not postcode.is_geographic:
        raise PlaceNotFound(
            f"{code} is a non-geographic postcode (used for PO boxes and large organisations), "
            "so it has no location. Try the postcode of a street or home."
        )
    return postcode


def outside_text(postcode: Postcode) -> str:
    """Why a postcode just outside finds nothing, and where the area Kith covers begins."""
    nearest = postcode.nearest_local_authority
    where = f"; the nearest borough is {nearest.name}" if nearest else ""
    return (
        f"{postcode.postcode} is outside the area this Kith covers ({area_name()}){where}. "
        f"Search by a postcode, ward or town in {area_name()}."
    )


def find_place(text: str) -> Place:
    """A postcode, or the name or ONS code of a local authority, ward or LSOA."""
    text = (text or "").strip()
    if not text:
        raise PlaceNotFound("Enter a postcode, or the name of a ward or town.")
    if len(text) > 60:
        raise PlaceNotFound("That place name is too long: enter a postcode, or a ward or town name.")
    if looks_like_postcode(text):
        postcode = find_postcode(text)
        if postcode.lsoa_id is None:
            raise PlaceNotFound(outside_text(postcode))
        return Place(
            label=postcode.postcode,
            lon=postcode.lon,
            lat=postcode.lat,
            postcode=postcode.postcode,
            lsoa_code=postcode.lsoa_id,
            ward_code=postcode.ward_id,
            local_authority_code=postcode.local_authority_id,
        )
    area = find_area(text)
    if area is None:
        raise PlaceNotFound(
            f"We could not find “{text}”. Enter a full postcode (such as M9 4DH) or the name of "
            f"a ward or borough in {area_name()}."
        )
    return Place(
        label=area.name,
        lon=area.centroid_lon,
        lat=area.centroid_lat,
        area=area,
        ward_code=area.code if area.level == AreaLevel.WARD else None,
        local_authority_code=area.local_authority_id
        or (area.code if area.level == AreaLevel.LOCAL_AUTHORITY else None),
    )


def find_area(text: str) -> Area | None:
    """An area by ONS code or name; a borough wins over a ward of the same name."""
    areas = Area.objects.without_geometry().exclude(level=AreaLevel.COMBINED_AUTHORITY)
    by_code = areas.filter(code=text.upper()).first()
    if by_code:
        return by_code
    preference = [AreaLevel.LOCAL_AUTHORITY, AreaLevel.WARD, AreaLevel.MSOA, AreaLevel.LSOA]
    matches = list(areas.filter(name__iexact=text).exclude(level=AreaLevel.MSOA))
    if not matches:  # "Bristol" for "City of Bristol" (ONS's "Bristol, City of")
        matches = list(areas.filter(level=AreaLevel.LOCAL_AUTHORITY, name__iendswith=f" of {text}")[:2])
        if len(matches) != 1:  # "London" is not the City of London alone
            matches = []
    if not matches:
        # "Harpurhey" should not need the ward's full name, but "a" must not match everything.
        if len(text) < 3:
            return None
        matches = list(areas.filter(level=AreaLevel.WARD, name__istartswith=text)[:2])
        if len(matches) != 1:
            return None
    return sorted(matches, key=lambda a: preference.index(a.level))[0]
