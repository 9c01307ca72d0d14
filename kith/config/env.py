"""Read settings from the environment, failing loudly on values that make no sense.

Every variable Kith reads goes through one of these helpers, so that the test of
docs/configuration.md can find them all by name. Any of them may instead be given as NAME_FILE, the
path of a file holding the value (systemd credentials, Docker secrets), and any may come from a
`.env` file (KITH_ENV_FILE).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def load_env_file() -> Path | None:
    """Read settings from KITH_ENV_FILE (default `.env` in the working directory) without overriding the environment.

    An empty KITH_ENV_FILE reads none. A named file that is missing is an error: a typo must not start
    Kith on defaults.
    """
    from dotenv import load_dotenv

    named = os.environ.get("KITH_ENV_FILE")
    if named == "":
        return None
    path = Path(named) if named else Path.cwd() / ".env"
    if not path.is_file():
        if named:
            raise ImproperlyConfigured(f"KITH_ENV_FILE={named!r} is not a file.")
        return None
    load_dotenv(path, override=False)
    return path


def _raw(name: str) -> str | None:
    """The variable's value; or, if NAME_FILE is set instead, the contents of that file (for secrets)."""
    value = os.environ.get(name)
    from_file = os.environ.get(f"{name}_FILE")
    if from_file:
        if value is not None:
            raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
        try:
            value = Path(from_file).read_text(encoding="utf-8")
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE={from_file!r} cannot be read: {error.strerror}.") from None
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = _raw(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"{name} must be set (see docs/configuration.md).")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value; use 1/0, true/false or yes/no.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ImproperlyConfigured(f"{name}={number} is outside {minimum}..{maximum}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = _raw(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value
