"""The `kith` command for operators: set up, load data, search and serve."""

import os
import sys
from pathlib import Path

import click

CHECKOUT = Path(__file__).resolve().parent.parent.parent


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


# Each module adds its commands to `main`.
from kith.cli import data, demo, interop, operate, setup  # noqa: E402, F401
