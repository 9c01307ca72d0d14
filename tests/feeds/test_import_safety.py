"""Hostile feeds: deep nesting, redirects inward, trickling, internal addresses, file paths, killed runs."""

import datetime as dt
import re
import time

import pytest
from click.testing import CliRunner
from django.core.exceptions import ValidationError
from django.utils import timezone

from kith.cli import main
from kith.feeds.importers import run as runner
from kith.feeds.importers.run import run_source
from kith.feeds.locations import check_location
from kith.feeds.models import ImportRun, Source
from tests.hostile import NESTED, Hostile, serve
from tests.personas import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile(settings):
    server = serve(Hostile)
    settings.KITH_IMPORT_ALLOWED_HOSTS = [f"127.0.0.1:{server.server_port}"]
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def inside():
    """A second server on loopback that the allow-list does not name: what a redirect must not reach."""
    server = serve(Hostile)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _run(kind, location, name="Hostile"):
    return run_source(Source.objects.create(kind=kind, location=location, name=name))


def test_deeply_nested_json_is_a_failed_run_with_a_reason_not_a_traceback(tmp_path):
    nested = tmp_path / "nested.json"
    nested.write_bytes(NESTED)
    result = CliRunner().invoke(main, ["import", "oruk-v1", str(nested), "--quiet"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "nested too deeply" in result.output
    run = ImportRun.objects.get(source__location=str(nested))
    assert run.status == "failed" and "nested too deeply" in run.error and run.finished_at


@pytest.mark.parametrize("error", [RecursionError(), KeyError("items"), ValueError("bad"), ZeroDivisionError()])
def test_whatever_a_parser_raises_the_harvest_records_it_and_goes_on(monkeypatch, tmp_path, error):
    good = tmp_path / "good.csv"
    good.write_text("name,organisation,description\n")

    def explode(source, progress):
        raise error

    monkeypatch.setitem(runner.PARSERS, Source.Kind.ORUK_V1, explode)
    Source.objects.create(kind="oruk-v1", location=str(tmp_path / "a.json"), name="A broken source")
    Source.objects.create(kind="csv", location=str(good), name="B good source")
    result = CliRunner().invoke(main, ["harvest", "--quiet"])
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(result.exception, SystemExit)
    assert "1 done, 1 failed" in result.output
    broken = ImportRun.objects.get(source__name="A broken source")
    assert broken.status == "failed" and broken.error and broken.finished_at
    assert ImportRun.objects.get(source__name="B good source").status == "done"


def test_a_harvest_survives_a_nested_feed_over_http(hostile):
    run = _run("oruk", f"{hostile}/nested")
    assert run.status == "failed" and "nested too deeply" in run.error


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("{inside}/services", "internal address"),  # loopback, another port
        ("http://10.0.0.1/feed", "internal address"),  # private
        ("http://169.254.169.254/latest/meta-data/", "internal address"),  # link-local: cloud metadata
        ("http://[::1]:22/", "internal address"),
        ("http://[::ffff:127.0.0.1]/", "internal address"),
        ("http://0.0.0.0/", "internal address"),
        ("http://localhost:1/", "internal address"),  # a name that resolves inward
        ("file:///etc/passwd", "does not read"),
        ("ftp://example.org/feed", "does not read"),
    ],
)
def test_a_redirect_inward_is_refused(hostile, inside, target, words):
    run = _run("oruk", f"{hostile}/redirect?to={target.format(inside=inside)}")
    assert run.status == "failed" and words in run.error, run.error


@pytest.mark.parametrize(
    ("location", "words"),
    [
        ("http://127.0.0.1:1/", "internal address"),
        ("http://10.1.2.3/", "internal address"),
        ("http://192.168.0.1/", "internal address"),
        ("http://[fd00::1]/", "internal address"),
        ("http://100.64.0.1/", "internal address"),  # carrier-grade NAT
        ("file:///etc/passwd", "does not read"),
        ("gopher://example.org/", "does not read"),
    ],
)
def test_an_internal_or_non_http_source_is_refused_at_once(location, words):
    started = time.monotonic()
    run = _run("oruk", location)
    assert run.status == "failed" and words in run.error
    assert time.monotonic() - started < 2  # refused, not retried


def test_the_allow_list_admits_a_named_internal_host(settings, inside):
    assert _run("oruk", f"{inside}/services", name="Refused").status == "failed"
    settings.KITH_IMPORT_ALLOWED_HOSTS = [inside.removeprefix("http://")]
    assert _run("oruk", f"{inside}/services?x=1", name="Allowed").status == "done"
    settings.KITH_IMPORT_ALLOWED_HOSTS = ["127.0.0.0/8"]
    assert _run("oruk", f"{inside}/services?x=2", name="Allowed by network").status == "done"


def test_a_trickling_feed_stops_at_the_overall_deadline(hostile, settings):
    settings.KITH_FETCH_DEADLINE_SECONDS = 1.5
    started = time.monotonic()
    run = _run("oruk", f"{hostile}/trickle")
    assert run.status == "failed" and "in all" in run.error
    assert time.monotonic() - started < 6


def test_only_an_administrator_sets_a_file_and_only_inside_the_import_folder(settings, tmp_path):
    world = build_world()
    settings.KITH_IMPORT_DIR = tmp_path / "imports"
    settings.KITH_IMPORT_DIR.mkdir()
    (settings.KITH_IMPORT_DIR / "feed.csv").write_text("name\n")
    admin, editor = world.administrator, world.link_worker
    assert check_location("https://example.org/feed", user=editor) == "https://example.org/feed"
    assert check_location(str(settings.KITH_IMPORT_DIR / "feed.csv"), user=admin)
    assert check_location("packaged:docs/examples/activities.csv", user=admin)
    refused = [
        ("/etc/passwd", admin, "import folder"),
        (str(settings.KITH_IMPORT_DIR / ".." / ".." / "etc" / "passwd"), admin, "import folder"),
        (str(settings.KITH_IMPORT_DIR / "feed.csv"), editor, "Only an administrator"),
        ("packaged:../../../etc/passwd", admin, "not one of the data files"),
        ("packaged:kith/config/settings.py", admin, "not one of the data files"),
        ("file:///etc/passwd", admin, "http:// or https://"),
        ("javascript:alert(1)", admin, "import folder"),
    ]
    for location, user, words in refused:
        with pytest.raises(ValidationError, match=words):
            check_location(location, user=user)


def test_the_admin_form_checks_who_sets_a_file_and_where(client, settings, tmp_path):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from tests.personas import sign_in

    settings.KITH_IMPORT_DIR = tmp_path
    (tmp_path / "feed.csv").write_text("name,organisation,description\n")
    editor = get_user_model().objects.create_user("source-editor", password="a-long-test-password-for-personas")
    editor.is_staff = True
    editor.save()
    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="feeds"))
    sign_in(client, editor)
    form = {"name": "Passwords", "kind": "csv", "location": "/etc/passwd", "every_hours": 24}
    response = client.post("/admin/feeds/source/add/", form)
    assert response.status_code == 200 and "Only an administrator may import from a file" in response.content.decode()
    client.post("/accounts/sign-out/")
    administrator = build_world().administrator
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    sign_in(client, administrator)
    response = client.post("/admin/feeds/source/add/", form)
    assert response.status_code == 200 and "only be imported from the import folder" in response.content.decode()
    assert not Source.objects.filter(name="Passwords").exists()
    allowed = {**form, "location": str(tmp_path / "feed.csv")}
    assert client.post("/admin/feeds/source/add/", allowed).status_code == 302
    assert Source.objects.get(name="Passwords").location == str(tmp_path / "feed.csv")


def test_a_packaged_data_file_imports(tmp_path):
    run = _run("csv", "packaged:docs/examples/activities.csv", name="Packaged")
    assert run.status == "done" and run.counts["created"] > 0


def test_a_killed_run_is_shown_failed_after_its_deadline_and_does_not_block_the_next(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("name,organisation,description\n")
    source = Source.objects.create(kind="csv", location=str(good), name="Killed mid-way")
    past = timezone.now() - dt.timedelta(minutes=1)
    killed = ImportRun.objects.create(source=source, deadline_at=past)
    Source.objects.filter(pk=source.pk).update(locked_until=past)  # the lock the killed run held, lapsed
    assert killed.shown_status == "failed" and "stopped part-way" in killed.shown_error
    run = run_source(source)
    assert run.status == "done"
    killed.refresh_from_db()
    assert killed.status == "failed" and killed.finished_at == past


def test_two_harvests_of_one_source_never_run_at_once(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("name,organisation,description\n")
    source = Source.objects.create(kind="csv", location=str(good), name="Busy")
    Source.objects.filter(pk=source.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=30))
    run = run_source(source)
    assert run.status == "skipped" and "still running" in run.error and run.pk is None
    result = CliRunner().invoke(main, ["import", "csv", str(good), "--quiet"])
    assert result.exit_code == 1 and "not started" in result.output
    source.refresh_from_db()
    assert source.locked_until > timezone.now()  # the other run's lock is untouched


def test_the_imports_pages_use_the_names_people_gave_sources_and_words_for_counts(client, tmp_path):
    from kith.directory.models import Organisation
    from kith.feeds.models import PossibleDuplicate
    from tests.personas import sign_in

    source = Source.objects.create(kind="csv", location="packaged:docs/examples/activities.csv",
                                   name="Moston volunteers sheet")  # fmt: skip
    run_source(source)
    PossibleDuplicate.objects.create(
        first=Organisation.objects.create(name="Twin", source=source.key, source_id="a"),
        second=Organisation.objects.create(name="Twin", source="", source_id=""),
        reason="Same name",
    )
    sign_in(client, build_world().link_worker)
    pairs = client.get("/imports/duplicates/").content.decode()
    assert "Moston volunteers sheet" in pairs and source.key not in pairs and "entered in Kith" in pairs
    imports = client.get("/imports/").content.decode()
    shown = imports.split("<main")[1].replace("severity=quarantined", "")
    assert re.search(r"\d+ new", shown) and "quarantined" not in shown and "created" not in shown
