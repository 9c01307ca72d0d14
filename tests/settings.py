"""Settings for the test run: production settings, with the few gaps a test machine has filled."""

import os

# Only defaults: `make test` and CI set their own.
os.environ.setdefault("KITH_ENV_FILE", "")  # a developer's .env must not change what tests see
os.environ.setdefault("KITH_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijkl")
os.environ.setdefault("KITH_SECURE_COOKIES", "0")
os.environ.setdefault("KITH_BASE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("KITH_TASKS_IMMEDIATE", "1")  # jobs run where they are asked for; tests/system runs a worker

from kith.config.settings import *  # noqa: F403
from kith.config.settings import STATIC_ROOT, STORAGES

# Templates can name static files without a collectstatic manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing

# Tests make many users; production hashing (Argon2id, tested in test_security) would take minutes.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A test writes and then searches inside one transaction, which a background thread's connection cannot
# see: builds happen in line here. tests/directory/test_index_refresh.py runs the background path.
SEARCH_INDEX_BUILDS_IN_BACKGROUND = False

# Tests roll the database back and so reuse directory versions with other listings: a page kept by one
# test could be served to the next. tests/directory/test_page_cache.py turns the cache on where it is tested.
CACHES = {**CACHES, "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # noqa: F405
