"""The `kith` command for operators: set up, load data, search and serve."""

import json
import os
import shutil
import sys
from pathlib import Path

import click

CHECKOUT = Path(__file__).resolve().parent.parent


def demo_checkout_settings(root: Path = CHECKOUT, environ=os.environ) -> bool:
    """In a `make demo` checkout with no settings given, use the demo's, as `make demo` does; True if it did.

    Only where `make demo` has made its secret key (var/demo-secret-key) and KITH_SECRET_KEY is not set: a
    deployment sets its own settings and still fails loudly without them."""
    key = root / "var" / "demo-secret-key"
    if environ.get("KITH_SECRET_KEY") or not key.is_file() or not (root / "Makefile").is_file():
        return False
    environ["KITH_SECRET_KEY"] = key.read_text(encoding="utf-8").strip()
    environ.setdefault("KITH_SECURE_COOKIES", "0")
    environ.setdefault("KITH_LOG_FORMAT", "text")
    environ.setdefault("KITH_BASE_URL", f"http://127.0.0.1:{environ.get('PORT', '8000')}")
    reference = root.parent / "shared" / "reference"
    if reference.is_dir():
        environ.setdefault("KITH_REFERENCE_DIR", str(reference))
    return True


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.config.settings")
    demo_checkout_settings()
    import django

    django.setup()


class StageProgress:
    """Adapts (stage, done, total) callbacks to one click progress bar per stage."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.stage = None
        self.bar = None
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            self.close()
            self.stage, self.done = stage, 0
            self.bar = click.progressbar(length=max(total, 1), label=f"{stage:<20}", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(max(done - self.done, 0))
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            shown = not self.bar.hidden and sys.stderr.isatty()
            self.bar.__exit__(None, None, None)
            if shown:  # the finished bar has said all it had to: clear its line, so the summary stands alone
                sys.stderr.write("\x1b[1A\x1b[2K")
                sys.stderr.flush()
            self.bar = None


@click.group()
@click.version_option(package_name="kith")
def main() -> None:
    """Kith: social prescribing as community development."""
    _setup_django()


@main.command()
def migrate() -> None:
    """Create or update the database tables."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    call_command("createcachetable", verbosity=0)  # the shared cache behind sign-in rate limits
    from kith.core.jobs import HUEY

    if hasattr(HUEY.storage, "initialize_schema"):  # the job queue's tables (not Redis's)
        HUEY.storage.initialize_schema()


@main.command("load-geography")
@click.option("--force", is_flag=True, help="Load again even if the data files have not changed.")
@click.option(
    "--reference-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="../shared/reference, for Community Needs Index values (not shipped: no stated licence).",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
def load_geography(force: bool, reference_dir: Path | None, quiet: bool) -> None:
    """Load Greater Manchester areas, indicators and postcodes (idempotent)."""
    from django.conf import settings

    from kith.geo.demand_points import CentroidFileError
    from kith.geo.loader import CNI_FILE
    from kith.geo.loader import load_geography as load

    reference_dir = reference_dir or (Path(settings.KITH_REFERENCE_DIR) if settings.KITH_REFERENCE_DIR else None)
    cni_path = None
    if reference_dir is not None:
        cni_path = reference_dir / CNI_FILE
        if not cni_path.is_file():
            raise click.ClickException(f"No Community Needs Index file at {cni_path}.")
    weighted = Path(settings.KITH_WEIGHTED_CENTROIDS_FILE) if settings.KITH_WEIGHTED_CENTROIDS_FILE else None
    progress = StageProgress(enabled=not quiet)
    try:
        result = load(cni_path=cni_path, weighted_centroids=weighted, force=force, progress=progress)
    except (OSError, CentroidFileError) as error:
        raise click.ClickException(f"Population-weighted centroids: {error}") from None
    progress.close()
    if result.skipped:
        click.echo("Geography already loaded from these data files; nothing to do (use --force to reload).")
    else:
        counts = result.counts
        click.echo(
            f"Loaded {counts['lad']} local authorities, {counts['ward']} wards, {counts['msoa']} MSOAs, "
            f"{counts['lsoa']} LSOAs and {counts['postcodes']:,} postcodes "
            f"({counts['postcodes_without_location']} non-geographic, "
            f"{counts['postcodes_outside_gm']} outside Greater Manchester)."
        )
        click.echo("Community Needs Index: " + ("loaded." if result.with_cni else "not loaded (no --reference-dir)."))
    for problem in result.problems:
        click.echo(f"warning: {problem}", err=True)


@main.command("load-taxonomy")
def load_taxonomy() -> None:
    """Create or update the "what matters" and OpenActive taxonomies."""
    from django.db import transaction

    from kith.directory.models import Taxonomy, TaxonomyTerm
    from kith.directory.services import taxonomy_changed
    from kith.directory.taxonomy import load_taxonomies

    with transaction.atomic():
        counts = load_taxonomies(Taxonomy, TaxonomyTerm)
        taxonomy_changed()
    for name, count in counts.items():
        click.echo(f"{name}: {count} terms")


@main.command("demo-data")
@click.option("--seed", default=2026, show_default=True, help="The same seed builds the same directory.")
@click.option(
    "--services",
    "generated",
    default=1200,
    show_default=True,
    help="How many generated groups and activities to add to the real assets.",
)
@click.option("--force", is_flag=True, help="Delete the demo directory and build it again.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def demo_data(seed: int, generated: int, force: bool, quiet: bool) -> None:
    """Build the demo directory from real Greater Manchester asset lists plus generated groups."""
    from kith.feeds.demo import build_demo_directory

    progress = StageProgress(enabled=not quiet)
    try:
        result = build_demo_directory(seed=seed, generated=generated, force=force, progress=progress)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    finally:
        progress.close()
    if result.skipped:
        click.echo(f"Demo directory already built with seed {seed} ({result.services:,} services); nothing to do.")
    else:
        click.echo(
            f"Built the demo directory: {result.services:,} services in {result.organisations:,} "
            f"organisations at {result.locations:,} locations (seed {seed})."
        )
        for source, count in sorted(result.by_source.items()):
            click.echo(f"  {source:<32} {count:>6,}")


@main.command("demo-users")
@click.option("--codes", default=3, show_default=True, type=click.IntRange(1, 10), help="Recovery codes to print each.")
@click.option("--new-codes", is_flag=True, help="Make new recovery codes; the ones printed before stop working.")
def demo_users(codes: int, new_codes: bool) -> None:
    """Create the demo sign-ins and print them, with their second factors."""
    from kith.accounts.demo import ensure_demo_users

    click.echo("Demo sign-ins (for this demo only; never use them on a real server).")
    click.echo("Sign in at /accounts/sign-in/, then give a recovery code (each works once) or a code from an")
    click.echo("authenticator app set up with the key shown. The same codes are printed each time until used:")
    for entry in ensure_demo_users(with_second_factor=True, codes=codes, new_codes=new_codes):
        click.echo(f"  {entry['role']:<20} username {entry['username']:<16} password {entry['password']}")
        click.echo(f"  {'':<20} key {entry['authenticator_key']}  codes {' '.join(entry['recovery_codes'])}")


@main.command("demo-people")
@click.option("--seed", default=2026, show_default=True, help="The same seed makes the same people.")
@click.option("--people", "count", default=150, show_default=True, help="How many on the demo team's caseload.")
@click.option(
    "--insight",
    default=6000,
    show_default=True,
    help="How many more across Greater Manchester, with wants only, for the gap atlas.",
)
@click.option("--force", is_flag=True, help="Delete the demo people and make them again.")
def demo_people(seed: int, count: int, insight: int, force: bool) -> None:
    """Add synthetic people (never real data) with wants, barriers, wellbeing and connections."""
    from kith.matching.demo import build_demo_connections
    from kith.people.demo import build_demo_people

    try:
        made = build_demo_people(seed=seed, count=count, insight=insight, force=force)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    if made is not None:
        build_demo_connections(seed=seed)
    if made is None:
        click.echo("Demo people are here already; nothing to do (use --force to make them again).")
    else:
        click.echo(
            f"Made {made:,} synthetic demo people: {count:,} on the demo team's caseload and {insight:,} "
            f"across Greater Manchester for insight (seed {seed})."
        )


@main.command("demo-locality")
@click.option("--seed", default=2026, show_default=True, help="The same seed makes the same demo.")
def demo_locality(seed: int) -> None:
    """Add demo enquiries, unmet searches, suggestions, a claim and group opportunities (synthetic)."""
    from kith.enquiries.demo import build_demo_enquiries
    from kith.freshness.demo import build_demo_upkeep
    from kith.people.demo import build_demo_referrals
    from kith.together.demo import build_demo_groups

    made = build_demo_enquiries(seed=seed)
    if made is None:
        click.echo("Demo enquiries are here already; nothing to do.")
    else:
        click.echo(f"Made {made} demo enquiries in the demo team's wards, some open and some answered.")
    if build_demo_upkeep():
        click.echo("Made demo suggestions from the public and a claim waiting for an administrator.")
    if build_demo_referrals():
        click.echo("Made demo referrals waiting in the team's queue: from a GP, a physio and a person.")
    if build_demo_groups():
        click.echo("Made demo group opportunities at every stage, from idea to handed over.")


@main.command("send-digests")
def send_digests_command() -> None:
    """Email each confirmed subscriber what's on in their neighbourhood over the next week (run daily)."""
    from kith.core import mail
    from kith.whatson.services import send_digests

    sent = send_digests()
    mail.deliver()  # now, not when a worker gets to it: a run from cron is done when it returns
    click.echo(f"Sent {sent} digest{'s' if sent != 1 else ''}.")


@main.command("send-mail")
def send_mail_command() -> None:
    """Send the emails waiting in the outbox (those the mail server refused before); run it every minute."""
    from kith.core import mail

    sent = mail.deliver()
    click.echo(f"Sent {sent} email(s); {mail.waiting()} waiting.")


@main.command("remind-editors")
@click.option("--within", default=14, show_default=True, type=click.IntRange(1, 90), help="Days before stale.")
def remind_editors(within: int) -> None:
    """Email organisation editors whose listings go stale soon (run daily; each reminder is sent once)."""
    from kith.core import mail
    from kith.freshness.reminders import send_reminders

    sent = send_reminders(within_days=within)
    mail.deliver()  # now, not when a worker gets to it: a run from cron is done when it returns
    click.echo(f"Sent {sent} reminder email{'s' if sent != 1 else ''}.")


@main.command()
@click.argument("words", nargs=-1)
@click.option("--near", help="A postcode, or a ward or borough name.")
@click.option("--radius", type=float, default=2.0, show_default=True, help="Kilometres (0.1 to 50).")
@click.option("--category", help="A 'what matters' code, e.g. active.")
@click.option("--free", is_flag=True, help="Only free listings.")
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def search(words, near, radius, category, free, limit, fmt) -> None:
    """Search the directory as the web pages do."""
    from kith.directory.search.engine import MAX_RADIUS_KM, MIN_RADIUS_KM, SearchQuery
    from kith.directory.search.engine import search as run
    from kith.geo.lookup import PlaceNotFound, find_place

    place = None
    if near:
        try:
            place = find_place(near)
        except PlaceNotFound as error:
            raise click.ClickException(str(error)) from None
    if not MIN_RADIUS_KM <= radius <= MAX_RADIUS_KM:
        raise click.BadParameter(f"must be between {MIN_RADIUS_KM} and {MAX_RADIUS_KM} km", param_hint="--radius")
    result = run(
        SearchQuery(
            words=" ".join(words), place=place, radius_km=radius, category=category or "", free=free, per_page=limit
        )
    )
    rows = [
        {
            "id": str(hit.service.uuid),
            "name": hit.service.name,
            "organisation": hit.service.organisation.name,
            "distance_km": None if hit.distance_m is None else round(hit.distance_m / 1000, 2),
            "score": round(hit.score, 3),
        }
        for hit in result.hits
    ]
    if fmt == "json":
        click.echo(json.dumps({"total": result.total, "results": rows}, indent=2))
        return
    click.echo(f"{result.total:,} found")
    for row in rows:
        distance = "" if row["distance_km"] is None else f"{row['distance_km']:>6.2f} km  "
        click.echo(f"{distance}{row['name']}  ({row['organisation']})")


@main.command()
@click.option("--area", help="A local authority, ward or LSOA code: rows for its wards, its LSOAs, or itself.")
@click.option("--category", help="A 'what matters' code such as active; all categories if not given.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def gaps(area, category, fmt, quiet) -> None:
    """Where neighbourhoods fall short of the adequate level: one row per area and category."""
    from kith.insights import engine, presenters

    progress = StageProgress(enabled=not quiet)
    report = engine.report(progress=progress)
    progress.close()
    if category and category not in report.results:
        raise click.BadParameter(f"use one of {', '.join(report.results)}", param_hint="--category")
    try:
        rows = engine.rows(report, area=area, category=category)
    except KeyError:
        raise click.BadParameter(
            "not a Greater Manchester local authority, ward or LSOA code", param_hint="--area"
        ) from None
    if fmt == "csv":
        click.echo(presenters.to_csv(rows), nl=False)
    elif fmt == "json":
        click.echo(json.dumps([r.published() for r in rows], indent=2))
    else:
        click.echo(
            f"{'area_code':<10} {'area_name':<32} {'category':<14} {'demand':>6} {'access':>7} "
            f"{'shortfall':>9} {'priority':>8}  {'label':<19}  target"
        )
        for row in rows:
            p = row.published()
            click.echo(
                f"{p['area_code']:<10} {p['area_name'][:32]:<32} {p['category'][:14]:<14} {p['demand']!s:>6} "
                f"{p['accessibility']:>7.2f} {p['shortfall']:>9} {p['priority']:>8.2f}  {p['label']:<19}  {p['target']}"
            )


IMPORT_KINDS = ["oruk-v1", "oruk", "hsds-package", "openactive", "ical", "rss", "csv"]


@main.command("import")
@click.argument("kind", type=click.Choice(IMPORT_KINDS))
@click.argument("location")
@click.option("--name", help="What to call the source (default: its location).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def import_(kind, location, name, quiet) -> None:
    """Import one feed or file now (see docs/cli.md for the kinds)."""
    from kith.feeds.importers.run import run_source
    from kith.feeds.models import Source

    # A source is named after its file or address unless told; the name field holds 200 characters.
    default = location.rstrip("/").rsplit("/", 1)[-1] or location
    source, _ = Source.objects.get_or_create(kind=kind, location=location, defaults={"name": (name or default)[:200]})
    progress = StageProgress(enabled=not quiet)
    run = run_source(source, progress)
    progress.close()
    _report_run(run)
    if run.status in ("failed", "skipped"):
        raise SystemExit(1)


def _report_run(run) -> None:
    if run.status == "failed":
        partial = run.counts.get("created", 0) + run.counts.get("updated", 0)
        click.echo(f"{run.source.name}: failed{'' if partial else ', nothing changed'}. {run.error}", err=True)
        return
    if run.status == "skipped":
        click.echo(f"{run.source.name}: not started. {run.error}", err=True)
        return
    c = run.counts
    click.echo(
        f"{run.source.name}: {c.get('created', 0):,} new, {c.get('updated', 0):,} changed, "
        f"{c.get('unchanged', 0):,} unchanged, {c.get('inactivated', 0):,} no longer listed (made inactive), "
        f"{c.get('quarantined', 0):,} not imported."
    )
    if "news created" in c:
        click.echo(
            f"  news: {c['news created']:,} new, {c['news updated']:,} changed, "
            f"{c['news retired']:,} no longer in the feed."
        )
    problems = list(run.problems.all()[:1000])
    for problem in problems:
        label = "not imported" if problem.severity == "quarantined" else "imported without a field"
        click.echo(f"  {label}: {problem.record_name or problem.source_id or '(no name)'}: {problem.reason}")


@main.command()
@click.option("--quiet", is_flag=True, help="No progress bars.")
def harvest(quiet) -> None:
    """Run every source that is due (registered by `kith import`), and summarise."""
    from kith.feeds.importers.run import describe_harvest
    from kith.feeds.importers.run import harvest as harvest_due

    bars = []

    def progress_for(source):
        bars.append(StageProgress(enabled=not quiet))
        return bars[-1]

    def on_run(run):
        bars[-1].close()
        _report_run(run)

    summary = harvest_due(progress_for, on_run)
    click.echo(describe_harvest(summary))
    if summary["failed"]:
        failed = summary["failed"]
        click.echo(f"{failed} source{'s' if failed != 1 else ''} failed; they will be tried again next time.", err=True)


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
def serve(host: str, port: int, workers: int, with_worker: bool) -> None:
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


if __name__ == "__main__":
    main()
