"""Interest pools: people in a ward who want the same thing, agreed to be contacted about groups,
and live where the gap method finds too little of it within reach."""

from dataclasses import dataclass

from kith.insights import engine
from kith.people.access import pool_candidates


@dataclass
class Pool:
    category: str
    category_name: str
    person_ids: frozenset[int]

    @property
    def size(self) -> int:
        return len(self.person_ids)


def pools_in(ward_code: str) -> list[Pool]:
    """Largest first. Someone whose LSOA meets the adequacy standard for the want has something within reach."""
    report = engine.report()
    position = {code: i for i, code in enumerate(report.areas.codes)}
    members: dict[str, set[int]] = {}
    for person_id, lsoa, category in pool_candidates(ward_code):
        result = report.results.get(category)
        i = position.get(lsoa)
        if result is None or i is None or bool(result.meets[i]):
            continue
        members.setdefault(category, set()).add(person_id)
    pools = [
        Pool(category, report.category_names.get(category, category), frozenset(ids))
        for category, ids in members.items()
    ]
    return sorted(pools, key=lambda p: (-p.size, p.category_name))
