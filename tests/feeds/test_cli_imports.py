"""`kith import` and `kith harvest` through the CLI runner, as an administrator would use them."""

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.utils import timezone

from kith.cli import main
from kith.feeds.models import NewsItem, Problem, Source
from tests.feeds.test_importers import NORTH_LINCS

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def kith(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_import_the_documented_newsletter_example():
    result = kith("import", "rss", EXAMPLES / "newsletter.rss", "--name", "Newsletter", "--quiet")
    assert result.exit_code == 0, result.output
    assert "Newsletter: 1 new, 0 changed" in result.output
    assert "news: 2 new, 0 changed, 0 no longer in the feed." in result.output
    assert NewsItem.objects.filter(title="Winter warm space at the library").exists()


@pytest.mark.reference
def test_import_north_lincolnshire_lists_what_it_could_not_take(reference_dir):
    result = kith("import", "oruk-v1", reference_dir / NORTH_LINCS, "--quiet")
    assert result.exit_code == 0, result.output
    quarantined = Problem.objects.filter(severity="quarantined").count()
    assert f"{quarantined:,} not imported." in result.output
    assert result.output.count("  not imported: ") == quarantined


def test_a_failed_import_says_why_exits_non_zero_and_is_retried_by_the_next_harvest(tmp_path):
    missing = tmp_path / "nowhere.json"
    result = kith("import", "oruk-v1", missing, "--quiet")
    assert result.exit_code == 1 and "failed, nothing changed" in result.stderr
    source = Source.objects.get(location=str(missing))
    assert source.last_status == "failed"
    missing.write_text("[]")
    harvest = kith("harvest", "--quiet")
    assert "Harvested 1 source: 1 done, 0 failed" in harvest.output
    source.refresh_from_db()
    assert source.last_status == "done"


def test_harvest_runs_only_what_is_due(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text("[]")
    kith("import", "oruk-v1", path, "--quiet")
    assert kith("harvest", "--quiet").output.strip() == "No source is due."
    Source.objects.update(last_run_at=timezone.now() - dt.timedelta(hours=25))
    assert "Harvested 1 source" in kith("harvest", "--quiet").output
