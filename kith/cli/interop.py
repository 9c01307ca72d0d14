"""Connected GP systems: the demo's, and a stand-in GP system that sends referrals and takes Kith's responses."""

import json
import time
import uuid
from pathlib import Path

import click

from kith.cli import main

STAND_IN_PORT = 8001
DEMO_KEY_FILE = "demo-system-key"


@main.command("demo-systems")
@click.option("--stand-in-port", default=STAND_IN_PORT, show_default=True, help="Where `kith gp-stand-in` listens.")
def demo_systems(stand_in_port: int) -> None:
    """Create the demo's connected GP system and print a new key for it (the one before stops working)."""
    from django.conf import settings

    from kith.interop.demo import ensure_demo_system

    system, key = ensure_demo_system(stand_in_port)
    base = settings.KITH_BASE_URL
    kept = Path(settings.VAR_DIR) / DEMO_KEY_FILE  # the demo's only: `kith send-referral` reads it
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(key + "\n", encoding="utf-8")
    kept.chmod(0o600)
    click.echo(f'Connected system "{system.name}" (for this demo only). Its key, shown once:')
    click.echo(f"  {key}")
    click.echo(f"  Send a referral as its GP:  .venv/bin/kith send-referral   (reads the key from {kept})")
    click.echo(f"  or post a BaRS message to {base}/fhir/$process-message with 'Authorization: Bearer <key>'.")
    click.echo(f"  Kith's responses arrive at the GP system stand-in: http://127.0.0.1:{stand_in_port}/")


@main.command("gp-stand-in")
@click.option("--port", default=STAND_IN_PORT, show_default=True, type=click.IntRange(1, 65535))
def gp_stand_in(port: int) -> None:
    """Run a GP system stand-in on loopback: it takes Kith's responses and lists them at http://127.0.0.1:PORT/."""
    from kith.interop.stand_in import StandIn

    stand_in = StandIn(port)
    click.echo(f"GP system stand-in: responses to {stand_in.endpoint}, listed at http://127.0.0.1:{port}/")
    try:
        stand_in.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stand_in.server.server_close()


@main.command("send-referral")
@click.option(
    "--key", envvar="KITH_SYSTEM_KEY", default=None, help="The connected system's key ($KITH_SYSTEM_KEY; the demo's)."
)
@click.option("--to", "base", default=None, help="Kith's address (default: KITH_BASE_URL).")
@click.option("--nhs-number", default="9434765919", show_default=True)
@click.option("--given", default="Arthur", show_default=True)
@click.option("--family", default="Synthetic", show_default=True)
@click.option("--postcode", default="M9 4DH", show_default=True)
@click.option("--words", default="Lonely since his wife died; used to love walking.", show_default=True)
@click.option("--cancel", "cancel_id", default=None, help="Cancel the referral with this ServiceRequest id instead.")
@click.option("--message-id", default=None, help="Send with this message id (the same id twice is a replay).")
def send_referral(key, base, nhs_number, given, family, postcode, words, cancel_id, message_id) -> None:
    """Send a synthetic BaRS referral (or its cancellation) as a GP system would, and say what Kith answered."""
    import httpx
    from django.conf import settings

    from kith.interop.stand_in import referral_message

    kept = Path(settings.VAR_DIR) / DEMO_KEY_FILE
    if key is None and kept.is_file():
        key = kept.read_text(encoding="utf-8").strip()
    if not key:
        raise click.ClickException("Give the connected system's key: --key or $KITH_SYSTEM_KEY.")
    url = f"{(base or settings.KITH_BASE_URL).rstrip('/')}/fhir/$process-message"
    request_id = cancel_id or str(uuid.uuid4())
    message = referral_message(
        request_id=request_id, status="revoked" if cancel_id else "active", reason="update" if cancel_id else "new",
        nhs_number=nhs_number, given=given, family=family, postcode=postcode, words=words, message_id=message_id,
    )  # fmt: skip
    started = time.perf_counter()
    try:
        answer = httpx.post(
            url,
            content=json.dumps(message),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/fhir+json"},
            timeout=30,
        )
    except httpx.HTTPError as error:
        raise click.ClickException(f"Could not reach Kith at {url}: {error}") from None
    took = (time.perf_counter() - started) * 1000
    body = answer.json() if answer.headers.get("content-type", "").startswith("application/fhir+json") else {}
    said = (
        "; ".join(i.get("diagnostics", "") for i in body.get("issue", []))
        if body.get("resourceType") == "OperationOutcome"
        else ""
    )
    click.echo(f"{answer.status_code} in {took:.0f} ms: message {message['id']}, ServiceRequest {request_id}")
    if said:
        click.echo(f"  {said}")
    if answer.status_code >= 300:
        raise SystemExit(1)
    if not cancel_id:
        click.echo(f"  Cancel it: kith send-referral --key … --cancel {request_id}")


@main.command("prsb-export")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last day, YYYY-MM-DD.")
@click.option("--team", default=None, help="One team's people, by its name (default: every team).")
@click.option("--format", "fmt", type=click.Choice(["csv", "fhir"]), default="csv", show_default=True)
def prsb_export(start, end, team, fmt) -> None:
    """Print a period's counts of people in the PRSB social prescribing standard's four groups, controlled."""
    from kith.accounts.models import Team
    from kith.interop import prsb
    from kith.people import sharing

    start, end = start.date(), end.date()
    if start > end:
        raise click.ClickException("--from must be on or before --to.")
    found = None
    if team:
        found = Team.objects.filter(name=team).first()
        if found is None:
            names = ", ".join(Team.objects.order_by("name").values_list("name", flat=True)) or "none yet"
            raise click.ClickException(f"No team called {team!r}. Teams: {names}.")
    rows = prsb.period_rows(sharing.prsb_period(start, end, team=found))
    area = found.name if found else "every team"
    click.echo(prsb.period_bundle(rows, start, end, area) if fmt == "fhir" else prsb.as_csv(rows), nl=False)


@main.command("send-responses")
def send_responses_command() -> None:
    """Send the responses to referrers that are due (those a referrer could not take before); run it every minute."""
    from kith.interop import outbox

    sent = outbox.deliver()
    click.echo(f"Sent {sent} response(s) to referrers; {outbox.waiting()} waiting.")
