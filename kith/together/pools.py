"""Interest pools: people in a ward who want the same thing, agreed to be contacted about groups,
and live where the gap method finds too little of it within reach."""

from dataclasses import dataclass

from kith.directory.models import TaxonomyTerm
from kith.people.access import pool_candidates

# The gap method sits above pools (in insights): it tells pools, when it starts, how to read its current report
# (LSOA codes in `.areas.codes` and `.meets_for(want, top_want)`).
_gap_report = None


def use_gap_report(read) -> None:
    global _gap_report
    _gap_report = read


@dataclass
class Pool:
    category: str  # the want as people named it: "active/walking", or "active" when that is all they said
    category_name: str
    person_ids: frozenset[int]

    @property
    def size(self) -> int:
        return len(self.person_ids)


def want_names() -> dict[str, tuple[str, str]]:
    """Every "what matters" want → (its name as a pool reads it, its top-level want's code)."""
    names, tops = {}, {}
    for code, name, parent_code, parent_name in TaxonomyTerm.objects.filter(
        taxonomy__source_id="kith-what-matters"
    ).values_list("code", "name", "parent__code", "parent__name"):
        names[code] = f"{parent_name}: {name}" if parent_code else name
        tops[code] = parent_code or code
    return {code: (names[code], tops[code]) for code in names}


def pools_in(ward_code: str) -> list[Pool]:
    """Largest first. A pool is one want at the level people named it (walking is not chair yoga); someone
    whose LSOA has enough of that want within reach, by its top-level want's standard, is in none."""
    if _gap_report is None:
        raise RuntimeError("Pools need the gap method: add kith.insights to INSTALLED_APPS.")
    report = _gap_report()
    position = {code: i for i, code in enumerate(report.areas.codes)}
    wants = want_names()
    members: dict[str, set[int]] = {}
    for person_id, lsoa, want in pool_candidates(ward_code):
        i = position.get(lsoa)
        if want not in wants or i is None:
            continue
        meets = report.meets_for(want, wants[want][1])
        if meets is None or bool(meets[i]):
            continue
        members.setdefault(want, set()).add(person_id)
    pools = [Pool(want, wants[want][0], frozenset(ids)) for want, ids in members.items()]
    return sorted(pools, key=lambda p: (-p.size, p.category_name))
