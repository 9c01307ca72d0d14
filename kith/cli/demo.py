"""The demo: a directory, sign-ins, people and a locality, all synthetic."""

import click

from kith.cli import StageProgress, main


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
