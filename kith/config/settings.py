"""Kith settings. The base is production: every relaxation is asked for by environment variable."""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from kith.config.env import env_bool, env_choice, env_int, env_list, env_str, load_env_file

# Settings may come from a .env file; the environment wins where both give one.
ENV_FILE = load_env_file()
BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("KITH_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("KITH_DEBUG", False)
SECRET_KEY = env_str("KITH_SECRET_KEY", required=True)
if not DEBUG and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("KITH_SECRET_KEY must be at least 32 characters when KITH_DEBUG is off.")
ALLOWED_HOSTS = env_list("KITH_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("KITH_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "kith.accounts.admin_apps.KithAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    "kith.core",
    "kith.geo",
    "kith.directory",
    "kith.accounts",
    "kith.people",
    "kith.matching",
    "kith.interop",
    "kith.insights",
    "kith.feeds",
    "kith.enquiries",
    "kith.freshness",
    "kith.whatson",
    "kith.together",
]

MIDDLEWARE = [
    "kith.core.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kith.core.middleware.RequestLineLimitMiddleware",
    "kith.core.middleware.RefuseNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kith.accounts.middleware.AbsoluteSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kith.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "kith.config.urls"
WSGI_APPLICATION = "kith.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of Django's own templates (the admin's header links to Kith's staff pages).
        "DIRS": [BASE_DIR / "kith" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kith.accounts.context_processors.site",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL selects PostgreSQL (or another SQLite file).
_SQLITE_OPTIONS = {
    # WAL lets readers carry on while one writer writes; the busy timeout and IMMEDIATE
    # transactions turn "database is locked" races into short waits.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(_SQLITE_OPTIONS)
    elif DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL.")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "kith.sqlite3",
            "OPTIONS": dict(_SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Scheduled and background work runs on Huey (ADR 0023), whose queue lives beside the data: a SQLite file
# next to the database, or tables in PostgreSQL; KITH_REDIS_URL moves it to Redis when several machines
# run Kith. `kith worker` runs the jobs; KITH_TASKS_IMMEDIATE runs each in the process that asks for it.
KITH_REDIS_URL = env_str("KITH_REDIS_URL", "")
KITH_TASK_QUEUE = env_str("KITH_TASK_QUEUE", "kith")
KITH_TASKS_IMMEDIATE = env_bool("KITH_TASKS_IMMEDIATE", False)
_DB_NAME = str(DATABASES["default"]["NAME"])


def _beside_database(suffix: str, *, otherwise: Path) -> Path:
    """Named after a SQLite database file and beside it, so that two databases in one folder keep their own."""
    on_file = DATABASES["default"]["ENGINE"].endswith("sqlite3") and _DB_NAME and ":memory:" not in _DB_NAME
    return Path(_DB_NAME).with_suffix(suffix) if on_file else otherwise


if KITH_REDIS_URL:
    _queue = {"huey_class": "huey.RedisHuey", "url": KITH_REDIS_URL}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # `kith migrate` makes the queue's tables: nothing touches the queue before they are there.
    _queue = {"huey_class": "huey.PostgresHuey", "dsn": _database_url, "create_tables": False}
else:
    _file = _beside_database(".tasks.sqlite3", otherwise=VAR_DIR / "kith.tasks.sqlite3")
    _queue = {"huey_class": "huey.SqliteHuey", "filename": str(_file), "create_tables": False}
HUEY = {
    "name": KITH_TASK_QUEUE,
    **_queue,
    "immediate": KITH_TASKS_IMMEDIATE,
    "results": False,  # jobs record what they did in the database (core.Job), not in the queue
    "utc": True,
    # Threads: jobs wait on the network and the database, and share the process's memory.
    # An idle worker looks at a SQLite queue every second at most (PostgreSQL and Redis wake it at once).
    # SIGTERM (systemd's stop) lets running jobs finish, for up to five minutes; Ctrl+C interrupts them.
    "consumer": {
        "workers": 4,
        "worker_type": "thread",
        "check_worker_health": True,
        "max_delay": 1.0,
        "graceful_signal": "TERM",
        "shutdown_timeout": 300,
    },
}

# Argon2id first; the others only to read hashes made before a switch.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Built by `make assets` from the npm packages (see package.json); never fetched at run time.
STATICFILES_DIRS = [BASE_DIR / "static-build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "kith.core.storage.StaticStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Security: secure by default; plain-HTTP local running asks for it explicitly.
_secure = env_bool("KITH_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SESSION_COOKIE_HTTPONLY = True
# Idle timeout: the session ends after this long without a request (each request renews it).
SESSION_COOKIE_AGE = env_int("KITH_SESSION_IDLE_MINUTES", 30, minimum=5, maximum=24 * 60) * 60
SESSION_SAVE_EVERY_REQUEST = True
# Absolute timeout, however active: see kith.accounts.middleware.
KITH_SESSION_MAX_HOURS = env_int("KITH_SESSION_MAX_HOURS", 10, minimum=1, maximum=24)
SECURE_SSL_REDIRECT = env_bool("KITH_SSL_REDIRECT", _secure)
SECURE_HSTS_SECONDS = env_int("KITH_HSTS_SECONDS", 31_536_000 if _secure else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
# Preloading binds a domain to HTTPS in browsers for good: an operator's decision, not a default.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
KITH_BEHIND_PROXY = env_bool("KITH_BEHIND_PROXY", False)
if KITH_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Which header names the client behind the proxy, and how many of our own proxies append to it.
KITH_CLIENT_IP_HEADER = env_str("KITH_CLIENT_IP_HEADER", "")
KITH_TRUSTED_PROXY_HOPS = env_int("KITH_TRUSTED_PROXY_HOPS", 1, minimum=1, maximum=10)
if KITH_CLIENT_IP_HEADER and not KITH_BEHIND_PROXY:
    # Without a proxy in front, anyone could write the header and pick their own address.
    raise ImproperlyConfigured("KITH_CLIENT_IP_HEADER needs KITH_BEHIND_PROXY=1: only a proxy may set that header.")
# Rate limits and the audit trail see the client's address, not the proxy's.
RATELIMIT_IP_META_KEY = "kith.core.client.client_ip"

# Long query strings are refused by the search form with words, not by a crash.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "people:home"
OTP_TOTP_ISSUER = env_str("KITH_SITE_NAME", "Kith")

# A request never waits for the search index to be rebuilt after a large change: it is rebuilt on a
# background thread and swapped in, and requests meanwhile use the last one (ADR 0021).
SEARCH_INDEX_BUILDS_IN_BACKGROUND = env_bool("KITH_INDEX_BUILDS_IN_BACKGROUND", True)

# A cache every process shares (the database), so that sign-in rate limits hold across workers.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kith_cache"}}
# Public search pages kept while what they show is unchanged (kith.directory.page_cache, ADR 0024): in
# files every process on this machine shares, or in Redis, shared by every server. 0 seconds turns it off.
KITH_PAGE_CACHE_SECONDS = env_int("KITH_PAGE_CACHE_SECONDS", 600, minimum=0, maximum=86400)
KITH_PAGE_CACHE_MB = env_int("KITH_PAGE_CACHE_MB", 200, minimum=1, maximum=100_000)
if KITH_REDIS_URL:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": KITH_REDIS_URL,
        "KEY_PREFIX": "kith-pages",
        "TIMEOUT": KITH_PAGE_CACHE_SECONDS,
    }
else:
    # Named after the database, as the job queue is: two Kiths sharing a folder must not share pages.
    CACHES["pages"] = {
        "BACKEND": "diskcache.DjangoCache",
        "LOCATION": str(_beside_database(".pages", otherwise=VAR_DIR / f"pages-{Path(_DB_NAME).name}")),
        "TIMEOUT": KITH_PAGE_CACHE_SECONDS,
        "SHARDS": 4,
        "DATABASE_TIMEOUT": 0.01,  # a busy cache is skipped (a page made afresh), never waited for
        # diskcache's defaults map 64 MB and cache 32 MB of each shard in every process: a worker's memory would
        # grow by hundreds of megabytes (measured at 400,000 services). The operating system caches the files.
        "OPTIONS": {"size_limit": KITH_PAGE_CACHE_MB * 2**20, "sqlite_mmap_size": 0, "sqlite_cache_size": 256},
    }

# Map tiles are off by default: nothing is fetched from a third party unless an operator asks.
KITH_MAP_TILES_URL = env_str("KITH_MAP_TILES_URL", "")
KITH_MAP_TILES_ATTRIBUTION = env_str("KITH_MAP_TILES_ATTRIBUTION", "")
KITH_SITE_NAME = env_str("KITH_SITE_NAME", "Kith")
# How long the link to a person's shared list of activities works.
# Closed records are anonymised this long after closing (`kith retention`).
KITH_RETENTION_YEARS = env_int("KITH_RETENTION_YEARS", 8, minimum=1, maximum=100)
KITH_SHARED_LIST_DAYS = env_int("KITH_SHARED_LIST_DAYS", 90, minimum=1, maximum=365)
# Where links in emails point, and who emails come from.
# Required: a wrong default would send every email link to a server that is not this one.
KITH_BASE_URL = env_str("KITH_BASE_URL", required=True).rstrip("/")
if urlsplit(KITH_BASE_URL).scheme not in ("http", "https") or not urlsplit(KITH_BASE_URL).netloc:
    raise ImproperlyConfigured(
        f"KITH_BASE_URL={KITH_BASE_URL!r} must be the address people use, such as https://kith.example.org."
    )
DEFAULT_FROM_EMAIL = env_str("KITH_EMAIL_FROM", "kith@localhost")
# Without an SMTP host, emails are written as files under var/mail, so none is lost and a demo can read them.
EMAIL_HOST = env_str("KITH_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("KITH_EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("KITH_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env_str("KITH_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("KITH_EMAIL_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Enquiries to the locality's link workers are answered within this many working days.
KITH_ENQUIRY_WORKING_DAYS = env_int("KITH_ENQUIRY_WORKING_DAYS", 2, minimum=1, maximum=20)
# Someone from the team contacts a person referred to it within this many working days.
# The area this Kith covers, in words on every page ("Bristol", "Leeds and Bradford"); empty: the name of
# what `kith load-geography` loaded (kith.geo.coverage).
KITH_AREA_NAME = env_str("KITH_AREA_NAME", "").strip()
# A national geography bundle's folder, for `kith load-geography --area` (docs/data.md).
KITH_GEOGRAPHY_DIR = env_str("KITH_GEOGRAPHY_DIR", "")
KITH_REFERRAL_WORKING_DAYS = env_int("KITH_REFERRAL_WORKING_DAYS", 3, minimum=1, maximum=20)
# Messages a connected GP system may post to /fhir/$process-message a minute (more get a 429 with words).
KITH_FHIR_MESSAGES_PER_MINUTE = env_int("KITH_FHIR_MESSAGES_PER_MINUTE", 120, minimum=1, maximum=100_000)
# An account refused this many reads within this many minutes is flagged on the audit page.
KITH_AUDIT_REFUSED_ALERT = env_int("KITH_AUDIT_REFUSED_ALERT", 20, minimum=2, maximum=10_000)
KITH_AUDIT_REFUSED_MINUTES = env_int("KITH_AUDIT_REFUSED_MINUTES", 10, minimum=1, maximum=24 * 60)
# Imports: where file sources may live, which internal hosts feeds may come from, and time limits.
KITH_IMPORT_DIR = Path(env_str("KITH_IMPORT_DIR", str(VAR_DIR / "imports")))
KITH_IMPORT_ALLOWED_HOSTS = env_list("KITH_IMPORT_ALLOWED_HOSTS")
KITH_FETCH_DEADLINE_SECONDS = env_int("KITH_FETCH_DEADLINE_SECONDS", 120, minimum=5, maximum=3600)
KITH_IMPORT_DEADLINE_MINUTES = env_int("KITH_IMPORT_DEADLINE_MINUTES", 60, minimum=1, maximum=24 * 60)
# The SWEMWBS statements, for a service registered to use the scale: Kith ships none (their owners' wording).
KITH_SWEMWBS_STATEMENTS_FILE = env_str("KITH_SWEMWBS_STATEMENTS_FILE", "")
# Without it, Community Needs Index values (no stated licence) are not loaded.
KITH_REFERENCE_DIR = env_str("KITH_REFERENCE_DIR", "")
# ONS population-weighted LSOA 2021 centroids (CSV): the gap method's demand points when given.
KITH_WEIGHTED_CENTROIDS_FILE = env_str("KITH_WEIGHTED_CENTROIDS_FILE", "")

# JSON lines with each request's id, for journald or a log shipper; `text` for a terminal (make demo).
KITH_LOG_FORMAT = env_choice("KITH_LOG_FORMAT", ("json", "text"), "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kith.core.observability.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": KITH_LOG_FORMAT}
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("KITH_LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO"),
    },
    # The worker's own logger, through Kith's handler (`run_huey` adds another to a logger without one).
    "loggers": {"huey": {"handlers": ["console"], "propagate": False}},
}

# Errors go to Sentry when a DSN is given, without request bodies or users (kith.core.observability).
KITH_SENTRY_DSN = env_str("KITH_SENTRY_DSN", "")
KITH_SENTRY_ENVIRONMENT = env_str("KITH_SENTRY_ENVIRONMENT", "production")
# /metrics answers this machine; elsewhere only with this token as "Authorization: Bearer <token>".
KITH_METRICS_TOKEN = env_str("KITH_METRICS_TOKEN", "")
