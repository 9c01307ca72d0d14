"""The governance papers stay true: every hazard names tests that exist, and retention periods match the code."""

import ast
import inspect
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GOVERNANCE = REPO / "docs" / "governance"
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def _hazards() -> dict[str, str]:
    text = (GOVERNANCE / "hazard-log.md").read_text(encoding="utf-8")
    parts = re.split(r"^### (H\d+)\. ", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_the_hazard_log_covers_the_hazards_the_issue_names():
    hazards = " ".join(_hazards().values()).lower()
    for words in ["wrong person", "barriers", "referral is lost", "small counts", "out of date"]:
        assert words in hazards


@pytest.mark.parametrize("hazard", sorted(_hazards()))
def test_every_hazard_has_controls_and_names_tests_that_exist(hazard):
    text = _hazards()[hazard]
    for heading in ["**Cause**", "**Effect**", "**Harm**", "**Initial risk**", "**Controls**", "**Tests**"]:
        assert heading in text, f"{hazard} has no {heading}"
    references = TEST_REF.findall(text)
    assert references, f"{hazard} names no test"
    for file, name in references:
        assert (REPO / file).is_file(), f"{hazard}: {file} does not exist"
        assert name in _test_names(REPO / file), f"{hazard}: {file} has no {name}"


def test_the_retention_schedule_says_what_the_code_enforces():
    from kith.whatson.services import forget_unconfirmed

    schedule = (GOVERNANCE / "retention-schedule.md").read_text(encoding="utf-8")
    import kith.config.settings as production

    checks = {
        "KITH_RETENTION_YEARS": (production.KITH_RETENTION_YEARS, "8 years"),
        "KITH_SHARED_LIST_DAYS": (production.KITH_SHARED_LIST_DAYS, "90 days"),
        "KITH_SESSION_IDLE_MINUTES": (production.SESSION_COOKIE_AGE // 60, "30 minutes"),
        "KITH_SESSION_MAX_HOURS": (production.KITH_SESSION_MAX_HOURS, "10 hours"),
    }
    for variable, (value, words) in checks.items():
        row = next(line for line in schedule.splitlines() if variable in line)
        assert words in row and str(value) == words.split()[0], (variable, value, row)
    assert inspect.signature(forget_unconfirmed).parameters["days"].default == 7
    assert "unconfirmed addresses 7 days" in schedule
    for command in re.findall(r"`kith ([a-z-]+)", schedule):
        from click.testing import CliRunner

        from kith.cli import main

        assert CliRunner().invoke(main, [command, "--help"]).exit_code == 0, f"kith {command} does not exist"


def test_every_governance_paper_is_linked_from_its_index():
    index = (GOVERNANCE / "README.md").read_text(encoding="utf-8")
    for paper in GOVERNANCE.glob("*.md"):
        if paper.name != "README.md":
            assert f"]({paper.name})" in index
