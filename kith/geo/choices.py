"""Areas as choices for forms."""

from kith.geo.models import Area, AreaLevel


def ward_choices(blank: str = "Choose a ward") -> list:
    """Wards grouped by local authority, for a select with optgroups."""
    groups: dict[str, list] = {}
    for code, name, la in (
        Area.objects.without_geometry()
        .filter(level=AreaLevel.WARD)
        .order_by("local_authority__name", "name")
        .values_list("code", "name", "local_authority__name")
    ):
        groups.setdefault(la or "Other", []).append((code, name))
    return [("", blank), *groups.items()]
