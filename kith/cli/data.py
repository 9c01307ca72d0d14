"""The directory's data: searching it, its gaps, imports and harvests, emails about it."""

import json

import click

from kith.cli import StageProgress, main


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
            "not the code of a local authority, ward or LSOA this Kith has loaded", param_hint="--area"
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
