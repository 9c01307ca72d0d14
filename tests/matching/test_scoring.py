"""The fit of a listing for a person: table-driven cases and agreement with the vectorised rule."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kith.directory.schedules import PART_BIT, parts_of_day
from kith.matching.scoring import Needs, Offer, reach_m, score, score_many

WALK = Offer(
    distance_m=600,
    categories=frozenset({"active"}),
    free=True,
    step_free=True,
    parts_of_day=frozenset({"morning"}),
    languages=frozenset(),
    days_since_check=20,
)


def offer(**changes) -> Offer:
    return Offer(**{**WALK.__dict__, **changes})


@pytest.mark.parametrize(
    ("barriers", "reach"),
    [(set(), 3000), ({"transport"}, 1500), ({"mobility"}, 800), ({"mobility", "transport"}, 800), ({"cost"}, 3000)],
)
def test_barriers_shrink_the_reach(barriers, reach):
    assert reach_m(frozenset(barriers)) == reach


@pytest.mark.parametrize(
    ("needs", "candidate", "kept"),
    [
        (Needs({"active": 1}), WALK, True),
        (Needs({"arts": 1}), WALK, False),  # not something they want
        (Needs({"active": 1}), offer(distance_m=3500), False),  # beyond reach
        (Needs({"active": 1}, frozenset({"transport"})), offer(distance_m=1600), False),
        (Needs({"active": 1}, frozenset({"mobility"})), offer(distance_m=700), True),
        (Needs({"active": 1}, frozenset({"mobility"})), offer(step_free=False), False),
        (Needs({"active": 1}, frozenset({"cost"})), offer(free=False), False),
        (Needs({"active": 1}, frozenset({"cost"})), WALK, True),
        (Needs({"active": 1}, frozenset({"caring"}), parts_of_day=frozenset({"evening"})), WALK, False),
        (Needs({"active": 1}, parts_of_day=frozenset({"evening"})), WALK, True),  # no time barrier: kept, lower
        (
            Needs({"active": 1}, frozenset({"time-of-day"}), parts_of_day=frozenset({"evening"})),
            offer(parts_of_day=frozenset()),
            True,
        ),  # times not known: kept
        (Needs({"active": 1}, frozenset({"language"}), languages=frozenset({"ur"})), WALK, True),
        # At the level the person named it: walking is not chair yoga, but any walking is being active.
        (Needs({"active/walking": 1}), offer(categories=frozenset({"active", "active/gentle-exercise"})), False),
        (Needs({"active/walking": 1}), offer(categories=frozenset({"active", "active/walking"})), True),
        (Needs({"active": 1}), offer(categories=frozenset({"active", "active/gentle-exercise"})), True),
    ],
)
def test_what_is_left_out(needs, candidate, kept):
    assert (score(needs, candidate) is not None) is kept


def test_higher_priority_nearer_fresher_in_their_language_and_time_scores_higher():
    needs = Needs({"active": 1, "arts": 3}, languages=frozenset({"ur"}), parts_of_day=frozenset({"morning"}))
    base = score(needs, WALK).score
    assert score(needs, offer(categories=frozenset({"arts"}))).score < base
    assert score(needs, offer(distance_m=2000)).score < base
    assert score(needs, offer(days_since_check=600)).score < base
    assert score(needs, offer(days_since_check=None)).score < base
    assert score(needs, offer(languages=frozenset({"ur"}))).score > base
    assert score(needs, offer(parts_of_day=frozenset({"evening"}))).score < base
    assert score(needs, offer(categories=frozenset({"arts", "active"}))).want == "active"


def test_what_their_own_words_name_comes_before_the_rest_of_the_want():
    needs = Needs({"active": 1}, finer={"active": frozenset({"active/walking"})})
    walking = score(needs, offer(categories=frozenset({"active", "active/walking"})))
    swimming = score(needs, offer(categories=frozenset({"active", "active/swimming"})))
    assert walking.score > swimming.score and swimming.want == "active"  # kept, but lower


def test_best_score_is_one():
    needs = Needs({"active": 1}, languages=frozenset({"ur"}), parts_of_day=frozenset({"morning"}))
    assert score(needs, offer(distance_m=0, days_since_check=0, languages=frozenset({"ur"}))).score == pytest.approx(1)


@pytest.mark.parametrize(
    ("start", "end", "parts"),
    [
        (600, 690, {"morning"}),
        (690, 780, {"morning", "afternoon"}),
        (780, 900, {"afternoon"}),
        (1020, 1140, {"evening"}),
        (960, 1080, {"afternoon", "evening"}),
        (540, 1200, {"morning", "afternoon", "evening"}),
    ],
)
def test_parts_of_day(start, end, parts):
    assert parts_of_day(start, end) == parts


CODES = ["active", "active/walking", "arts", "social", "nature"]
LANGS = {"ur": 0, "pl": 1}

offers = st.builds(
    Offer,
    distance_m=st.floats(0, 5000),
    categories=st.frozensets(st.sampled_from(CODES)),
    free=st.booleans(),
    step_free=st.booleans(),
    parts_of_day=st.frozensets(st.sampled_from(["morning", "afternoon", "evening"])),
    languages=st.frozensets(st.sampled_from(list(LANGS))),
    days_since_check=st.one_of(st.none(), st.floats(0, 2000)),
)
needs_strategy = st.builds(
    Needs,
    wants=st.dictionaries(st.sampled_from(CODES), st.sampled_from([1, 2, 3]), min_size=1),
    finer=st.sampled_from([{}, {"active": frozenset({"active/walking"})}]),
    barriers=st.frozensets(
        st.sampled_from(["cost", "transport", "mobility", "confidence", "language", "caring", "time-of-day", "digital"])
    ),
    languages=st.frozensets(st.sampled_from(list(LANGS))),
    parts_of_day=st.frozensets(st.sampled_from(["morning", "afternoon", "evening"])),
)


@given(needs_strategy, st.lists(offers, min_size=1, max_size=30))
@settings(max_examples=300)
def test_the_vectorised_rule_agrees_with_the_plain_one(needs, candidates):
    vector = score_many(
        needs,
        distance_m=np.array([o.distance_m for o in candidates]),
        offers={code: np.array([code in o.categories for o in candidates], dtype=bool) for code in CODES},
        free=np.array([o.free for o in candidates]),
        step_free=np.array([o.step_free for o in candidates]),
        parts=np.array([sum(PART_BIT[p] for p in o.parts_of_day) for o in candidates], dtype=np.int8),
        languages=np.array([sum(1 << LANGS[c] for c in o.languages) for o in candidates], dtype=np.int64),
        language_bit=LANGS,
        days_since_check=np.array([np.nan if o.days_since_check is None else o.days_since_check for o in candidates]),
    )
    for o, v in zip(candidates, vector, strict=True):
        fit = score(needs, o)
        if fit is None:
            assert np.isnan(v)
        else:
            assert v == pytest.approx(fit.score, abs=1e-12)
