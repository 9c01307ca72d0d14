"""Each want at the level a person names it: walking is not chair yoga (ADR 0004)."""

import pytest

from kith.directory.search.index import get_index
from tests.directory.helpers import add, listing

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("categories", "offers", "does_not_offer"),
    [
        (["active/walking"], {"active", "active/walking"}, {"active/gentle-exercise", "arts"}),
        (["openactive:chair yoga"], {"active", "active/gentle-exercise"}, {"active/walking"}),
        (["openactive:nordic walking"], {"active", "active/walking"}, {"active/sport"}),
        (["openactive:walking football"], {"active", "active/sport"}, {"active/walking"}),  # nearest listed: Football
        (
            ["openactive:tai chi"],
            {"active", "active/gentle-exercise"},
            {"active/sport"},
        ),  # itself listed
        (["openactive:aqua zumba®"], {"active", "active/swimming"}, {"active/gentle-exercise"}),
        (["openactive:archery"], {"active"}, {"active/sport", "active/walking"}),  # being active, nothing finer
        (["arts/singing"], {"arts", "arts/singing"}, {"active", "arts/crafts"}),
        (["active"], {"active"}, {"active/walking"}),  # a listing that says only "being active"
    ],
)
def test_a_listing_offers_the_wants_its_categories_name_and_those_above(categories, offers, does_not_offer):
    (service,) = add(listing("Test Want Level", categories=categories))
    index = get_index()
    rows = [i for i, sid in enumerate(index.service_id) if sid == service.id]
    assert rows
    offered = {code for code, found in index.term_rows.items() if set(rows) <= set(found.tolist())}
    assert offers <= offered
    assert not (does_not_offer & offered)
