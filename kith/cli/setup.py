"""Setting up: the database, the geography and the taxonomy."""

from pathlib import Path

import click

from kith.cli import StageProgress, main


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
@click.option(
    "--area",
    "areas",
    multiple=True,
    help="A local authority (E06/E07/E08/E09 code), a region (E12 code) or 'england', from a national bundle.",
)
@click.option(
    "--from",
    "bundle",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The national bundle's folder for --area (default: KITH_GEOGRAPHY_DIR).",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
def load_geography(force: bool, reference_dir: Path | None, areas, bundle: Path | None, quiet: bool) -> None:
    """Load the shipped geography, or with --area any English areas from a national bundle (idempotent)."""
    from django.conf import settings

    if areas:
        return _load_national(list(areas), bundle or settings.KITH_GEOGRAPHY_DIR, quiet)

    from kith.geo.coverage import area_name
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
            f"{counts['postcodes_outside_gm']} outside {area_name()})."
        )
        click.echo("Community Needs Index: " + ("loaded." if result.with_cni else "not loaded (no --reference-dir)."))
    for problem in result.problems:
        click.echo(f"warning: {problem}", err=True)


def _load_national(areas: list[str], bundle, quiet: bool) -> None:
    from kith.geo.coverage import FALLBACK, area_name
    from kith.geo.national import BundleError, load_areas

    if not bundle:
        raise click.ClickException("Say where the national bundle is: --from PATH or KITH_GEOGRAPHY_DIR.")
    progress = StageProgress(enabled=not quiet)
    try:
        result = load_areas(Path(bundle), areas, progress=progress)
    except (BundleError, OSError) as error:
        raise click.ClickException(str(error)) from None
    progress.close()
    counts = result.counts
    name = area_name()
    click.echo(
        f"Loaded {counts['lad']:,} local {'authority' if counts['lad'] == 1 else 'authorities'}, "
        f"{counts['ward']:,} wards (May 2025) and {counts['lsoa']:,} "
        f"LSOAs with their indicators, and {counts.get('postcodes', 0):,} postcodes in them; "
        f"{counts.get('postcodes_outside', 0):,} other English postcodes are known as outside. Wards: "
        f"{counts.get('ward_by_code', 0):,} postcodes by the 2025 ward code in the file, "
        f"{counts.get('ward_by_point', 0):,} by their point in the 2025 ward boundaries. "
        + (
            "Set KITH_AREA_NAME to say in words what this Kith covers (for example, England)."
            if name == FALLBACK
            else f"This Kith covers {name}."
        )
    )
    from kith.directory.services import place_all_locations

    moved = place_all_locations()
    if moved:
        click.echo(f"{moved:,} listed places are now in the areas just loaded.")
    for problem in result.problems[:20]:
        click.echo(f"warning: {problem}", err=True)


@main.command("move-wards")
@click.option("--apply", is_flag=True, help="Replace each retired ward by its successors (default: only list them).")
def move_wards(apply: bool) -> None:
    """List (or --apply: move) teams' and link workers' wards of an earlier vintage to the wards now there."""
    from kith.accounts.services import move_retired_wards

    moves = move_retired_wards(apply=apply)
    if not moves:
        click.echo("Every team's and link worker's ward is a current ward: nothing to move.")
        return
    for move in moves:
        taken = ", ".join(f"{area.name} ({area.code}, {share:.0%})" for area, share in move.new)
        click.echo(f"{move.holder}: {move.old.name} ({move.old.code}) → {taken or 'no current ward overlaps it; kept'}")
    moved = sum(1 for move in moves if move.new)
    click.echo(
        f"Moved {moved} ward(s); audited."
        if apply
        else f"{moved} ward(s) to move. Run again with --apply to move them."
    )


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
