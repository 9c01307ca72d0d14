"""Running Kith: serving, the worker and its jobs, backups, retention, the index."""

import os
import shutil
import sys
from pathlib import Path

import click

from kith.cli import main


@main.command()
@click.option(
    "--years",
    type=click.IntRange(1, 100),
    default=None,
    help="Anonymise records closed longer ago than this (default KITH_RETENTION_YEARS, 8).",
)
@click.option("--dry-run", is_flag=True, help="Only count them.")
def retention(years: int | None, dry_run: bool) -> None:
    """Anonymise people's records closed longer than the retention period."""
    from django.conf import settings

    from kith.people.services import apply_retention

    years = years or settings.KITH_RETENTION_YEARS
    count = apply_retention(years=years, dry_run=dry_run)
    verb = "would be" if dry_run else "were"
    click.echo(f"{count:,} record{'s' if count != 1 else ''} closed over {years} years ago {verb} anonymised.")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path: Path) -> None:
    """Back up the whole database to PATH (a new file), while Kith keeps serving."""
    from kith.core.backup import BackupError, backup

    try:
        written = backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {written} ({written.stat().st_size / 1e6:,.1f} MB).")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: replace the database's contents.")
def restore(path: Path, yes: bool) -> None:
    """Replace the whole database with the backup at PATH. Stop `kith serve` and the worker first."""
    from kith.core.backup import BackupError, restore

    if not yes:
        click.confirm(f"Replace everything in the database with {path}?", abort=True)
    try:
        restore(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {path}. Start Kith again; each process rebuilds its search index.")


@main.command("build-index")
@click.option("--quiet", is_flag=True, help="Print only the folder it is in.")
def build_index_command(quiet: bool) -> None:
    """Build the search index of the directory as it is now into $KITH_VAR_DIR/search-index, for `kith serve`."""
    from kith.directory.search.index import build_to_store

    path, built = build_to_store()
    if not quiet:
        click.echo("Built the search index." if built else "The search index was up to date.", err=True)
    click.echo(str(path))


@main.command()
def reindex() -> None:
    """Rebuild the full-text search documents of every service."""
    from kith.directory.services import reindex_all

    click.echo(f"Indexed {reindex_all():,} services.")


@main.command()
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 32), help="Jobs run at once.")
@click.option("--no-schedule", is_flag=True, help="Run queued jobs only; another worker runs the schedule.")
def worker(threads: int, no_schedule: bool) -> None:
    """Run Kith's jobs: sending email, harvests, digests, reminders, retention, the search index (Ctrl+C stops)."""
    from django.core.management import call_command

    also = "" if no_schedule else " and on schedule"
    click.echo(f"Kith's worker runs jobs from the queue ({threads} at once){also}.")
    call_command("run_huey", workers=threads, worker_type="thread", periodic=not no_schedule)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def jobs(fmt: str) -> None:
    """List Kith's jobs: when each last ran and how, and how many wait in the queue."""
    from kith.core.jobs import status_report

    click.echo(status_report(as_json=fmt == "json"))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=lambda: int(os.environ.get("PORT", "8000")),
    show_default="8000 or $PORT",
    type=click.IntRange(1, 65535),
)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--with-worker", is_flag=True, help="Also run `kith worker` beside it, for one machine or a demo.")
@click.option(
    "--with-gp-stand-in",
    type=click.IntRange(1, 65535),
    default=None,
    help="Also run `kith gp-stand-in` on this port (the demo's GP system, loopback only).",
)
def serve(host: str, port: int, workers: int, with_worker: bool, with_gp_stand_in: int | None) -> None:
    """Serve Kith with gunicorn (static files through WhiteNoise)."""
    from django.conf import settings

    if not Path(settings.STATIC_ROOT, "staticfiles.json").exists() and not settings.DEBUG:
        raise click.ClickException("Static files are not collected: run `make assets` or `kith collectstatic`.")
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:  # settings that disagree are refused before anyone is served
        call_command("check", fail_level="ERROR")
    except SystemCheckError as error:
        raise click.ClickException(str(error)) from None
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "kith.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--config",
        "python:kith.config.gunicorn_conf",
        # gunicorn caps its own limit at 8,190 bytes whatever it is asked; 0 lifts it, so that Kith's
        # middleware applies its 16 kB limit and answers with words rather than a bare 414.
        "--limit-request-line",
        "0",
    ]
    # Each worker writes its metrics here and /metrics adds them up; last run's are stale, so start afresh.
    metrics_dir = Path(settings.VAR_DIR) / "metrics" / str(port)
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    if with_worker:
        os.environ["KITH_SERVE_WITH_WORKER"] = "1"  # gunicorn's master starts it and stops it (gunicorn_conf)
    if with_gp_stand_in:
        os.environ["KITH_SERVE_WITH_GP_STAND_IN"] = str(with_gp_stand_in)
    click.echo(f"Kith is at http://{host}:{port}/ (Ctrl+C stops it)")
    os.execv(sys.executable, args)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def collectstatic(ctx) -> None:
    """Collect static files for serving (front-end packages must be installed: `make assets`)."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    click.echo("Static files collected.")


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args) -> None:
    """Run any Django management command (e.g. `kith manage createsuperuser`)."""
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kith manage", *args])
