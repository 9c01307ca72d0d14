"""ONS4 and SWEMWBS scoring against the published tables; bad answers refused with words."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kith.people.wellbeing import (
    ONS4_ITEMS,
    SWEMWBS_ITEMS,
    WellbeingError,
    ons4_band,
    score_ons4,
    score_swemwbs,
    swemwbs_table,
)


def swemwbs(*scores):
    return dict(zip(SWEMWBS_ITEMS, scores, strict=True))


@pytest.mark.parametrize(
    ("scores", "raw", "metric"),
    [
        ((1, 1, 1, 1, 1, 1, 1), 7, "7.00"),
        ((3, 3, 3, 3, 3, 3, 3), 21, "19.25"),
        ((5, 5, 5, 5, 5, 5, 5), 35, "35.00"),
        ((2, 3, 3, 4, 2, 3, 3), 20, "18.59"),
        (("5", "5", "4", "4", "5", "5", "4"), 32, "29.31"),
    ],
)
def test_swemwbs_raw_to_metric(scores, raw, metric):
    result = score_swemwbs(swemwbs(*scores))
    assert (result.raw, result.metric) == (raw, Decimal(metric))


def test_the_conversion_table_covers_every_raw_score_and_rises():
    table = swemwbs_table()
    assert sorted(table) == list(range(7, 36))
    values = [table[raw] for raw in range(7, 36)]
    assert values == sorted(values) and len(set(values)) == 29


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (swemwbs(3, 3, 3, 3, 3, 3, None), "never scored from fewer"),
        ({**swemwbs(3, 3, 3, 3, 3, 3, 3), "swemwbs_7": ""}, "never scored from fewer"),
        (swemwbs(3, 3, 3, 3, 3, 3, 6), "must be from 1 to 5; 6 is outside that"),
        (swemwbs(3, 3, 3, 3, 3, 3, 0), "must be from 1 to 5"),
        (swemwbs(3, 3, 3, 3, 3, 3, "2.5"), "must be a whole number from 1 to 5"),
        (swemwbs(3, 3, 3, 3, 3, 3, 2.0), "must be a whole number"),
        (swemwbs(3, 3, 3, 3, 3, 3, True), "must be a whole number"),
        ({**swemwbs(3, 3, 3, 3, 3, 3, 3), "swemwbs_8": 3}, "Unknown SWEMWBS items: swemwbs_8"),
    ],
)
def test_swemwbs_refuses_what_it_cannot_score(answers, message):
    with pytest.raises(WellbeingError, match=message):
        score_swemwbs(answers)


@given(st.lists(st.integers(1, 5), min_size=7, max_size=7))
def test_any_seven_valid_answers_score_within_the_scale(scores):
    result = score_swemwbs(swemwbs(*scores))
    assert result.raw == sum(scores)
    assert Decimal("7.00") <= result.metric <= Decimal("35.00")


@given(st.lists(st.one_of(st.integers(), st.text(max_size=4), st.none(), st.floats()), min_size=7, max_size=7))
def test_swemwbs_either_scores_or_explains(values):
    try:
        result = score_swemwbs(swemwbs(*values))
    except WellbeingError as error:
        assert str(error)
    else:
        assert 7 <= result.raw <= 35


@pytest.mark.parametrize(
    ("item", "score", "band"),
    [
        ("life_satisfaction", 0, "low"),
        ("life_satisfaction", 4, "low"),
        ("worthwhile", 5, "medium"),
        ("happiness", 6, "medium"),
        ("happiness", 7, "high"),
        ("worthwhile", 8, "high"),
        ("life_satisfaction", 9, "very high"),
        ("happiness", 10, "very high"),
        ("anxiety", 0, "very low"),
        ("anxiety", 1, "very low"),
        ("anxiety", 2, "low"),
        ("anxiety", 3, "low"),
        ("anxiety", 4, "medium"),
        ("anxiety", 5, "medium"),
        ("anxiety", 6, "high"),
        ("anxiety", 10, "high"),
    ],
)
def test_ons4_bands_follow_the_ons_thresholds(item, score, band):
    assert ons4_band(item, score) == band


def test_ons4_reports_each_measure_separately():
    result = score_ons4({"life_satisfaction": 7, "worthwhile": "8", "happiness": 4, "anxiety": 6})
    assert result.scores == {"life_satisfaction": 7, "worthwhile": 8, "happiness": 4, "anxiety": 6}
    assert result.bands == {"life_satisfaction": "high", "worthwhile": "high", "happiness": "low", "anxiety": "high"}


@given(st.dictionaries(st.sampled_from(ONS4_ITEMS), st.one_of(st.integers(-5, 15), st.text(max_size=3)), max_size=4))
def test_ons4_either_scores_all_four_or_explains(answers):
    try:
        result = score_ons4(answers)
    except WellbeingError as error:
        assert str(error)
    else:
        assert set(result.scores) == set(ONS4_ITEMS)
        assert all(0 <= s <= 10 for s in result.scores.values())


@pytest.mark.django_db
def test_swemwbs_statements_come_only_from_a_deployers_file(client, settings, tmp_path):
    from tests.personas import build_world, sign_in

    world = build_world()
    sign_in(client, world.link_worker)
    url = f"/people/{world.person.uuid}/wellbeing/swemwbs/"
    page = client.get(url).content.decode()
    assert "Statement 1 on the printed form" in page and "Read each statement to the person" in page
    statements = tmp_path / "swemwbs.txt"
    statements.write_text("\n".join(f"Licensed statement number {n}" for n in range(1, 8)))
    settings.KITH_SWEMWBS_STATEMENTS_FILE = str(statements)
    page = client.get(url).content.decode()
    assert "Licensed statement number 7" in page and "Read each statement to the person" not in page
    statements.write_text("Only one line")
    from kith.people.wellbeing import WellbeingError, swemwbs_statements

    with pytest.raises(WellbeingError, match="must hold the 7 SWEMWBS statements"):
        swemwbs_statements()


def test_kith_ships_no_swemwbs_wording():
    from pathlib import Path

    shipped = " ".join(p.read_text(errors="ignore") for p in Path("kith").rglob("*") if p.is_file() and p.suffix in
                       {".py", ".html", ".txt", ".json", ".csv"})  # fmt: skip
    for phrase in ["optimistic about the future", "feeling useful", "feeling relaxed", "dealing with problems well"]:
        assert phrase not in shipped
