"""The `kith` command, tested through click's runner, and its documentation."""

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kith.cli import main
from tests.directory.helpers import M9_4DH, add, listing, point_north

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text()


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_and_option_is_documented(name):
    sections = dict(re.findall(r"^## `kith ([\w-]+)`\n(.*?)(?=^## |\Z)", DOCS, re.S | re.M))
    assert name in sections, f"docs/cli.md has no section for `kith {name}`"
    command: click.Command = main.commands[name]
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.opts[0] in sections[name], f"`kith {name} {param.opts[0]}` is undocumented"


@pytest.mark.django_db
def test_load_geography_again_says_there_is_nothing_to_do():
    result = run("load-geography", "--quiet")
    assert result.exit_code == 0
    assert "already loaded" in result.output


@pytest.mark.django_db
def test_load_geography_with_a_wrong_reference_dir_fails_clearly(tmp_path):
    result = CliRunner().invoke(main, ["load-geography", "--reference-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "No Community Needs Index file" in result.output


@pytest.mark.django_db
def test_search_prints_json_nearest_first():
    add(listing("Test Cli Walk", at=point_north(M9_4DH, 400)))
    result = run("search", "walking", "--near", "M9 4DH", "--radius", "2", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)  # log lines go to stderr
    names = [r["name"] for r in data["results"]]
    assert "Test Cli Walk" in names
    assert all(r["distance_km"] <= 2 for r in data["results"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--near", "M99 9ZZ"], "We do not know the postcode M99 9ZZ"),
        (["--near", "M9 4DH", "--radius", "0"], "must be between 0.1 and 50.0 km"),
        (["--limit", "0"], "0 is not in the range"),
    ],
)
def test_search_refuses_bad_input_with_words(args, message):
    result = CliRunner().invoke(main, ["search", *args])
    assert result.exit_code != 0
    assert message in result.output


@pytest.mark.django_db
def test_demo_data_run_twice_does_nothing_and_a_new_seed_needs_force():
    from tests.conftest import DEMO_GENERATED, DEMO_SEED

    same = run("demo-data", "--seed", str(DEMO_SEED), "--services", str(DEMO_GENERATED), "--quiet")
    assert same.exit_code == 0 and "nothing to do" in same.output
    other = CliRunner().invoke(main, ["demo-data", "--seed", "99", "--quiet"])
    assert other.exit_code != 0 and "use --force" in other.output


@pytest.mark.django_db
def test_demo_users_are_printed_and_can_sign_in(client):
    result = run("demo-users")
    assert "demo-admin" in result.output and "kith-demo-admin-2026" in result.output
    assert client.login(username="demo-admin", password="kith-demo-admin-2026")
    again = run("demo-users")
    assert again.output.count("username demo-admin ") == 1
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username__startswith="demo-").count() == 6
    assert "username demo-linkworker" in again.output and "key " in again.output


@pytest.mark.django_db
def test_load_taxonomy_and_reindex():
    assert "kith-what-matters: 55 terms" in run("load-taxonomy").output
    assert re.search(r"Indexed [\d,]+ services", run("reindex").output)


def test_a_demo_checkout_runs_commands_with_no_settings_given(tmp_path):
    """`make demo` makes var/demo-secret-key; commands in that checkout need nothing set (issue 14)."""
    import os
    import subprocess
    import sys

    from kith.cli import CHECKOUT, demo_checkout_settings

    env = {k: v for k, v in os.environ.items() if not k.startswith(("KITH_", "DJANGO_", "DATABASE_URL"))}
    env["KITH_VAR_DIR"] = str(tmp_path)  # a database of its own, not the demo's
    assert (CHECKOUT / "var" / "demo-secret-key").is_file(), "make test makes it, as make demo does"
    done = subprocess.run(
        [sys.executable, "-m", "kith.cli", "migrate"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    # A deployment without the demo's key still fails loudly.
    (tmp_path / "Makefile").write_text("")
    bare = {"PATH": env["PATH"]}
    assert demo_checkout_settings(tmp_path, bare) is False and "KITH_SECRET_KEY" not in bare
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "demo-secret-key").write_text("k" * 48)
    assert demo_checkout_settings(tmp_path, bare) is True
    assert bare["KITH_SECRET_KEY"] == "k" * 48 and bare["KITH_BASE_URL"] == "http://127.0.0.1:8000"
    given = {"KITH_SECRET_KEY": "theirs"}
    assert demo_checkout_settings(tmp_path, given) is False and given == {"KITH_SECRET_KEY": "theirs"}
