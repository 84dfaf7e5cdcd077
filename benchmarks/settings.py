"""Django settings for the benchmark: a file SQLite database so threads share it."""

from __future__ import annotations

import os
import tempfile

from tests.settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(tempfile.mkdtemp(prefix="imbrace-bench-"), "bench.sqlite3"),
        "CONN_MAX_AGE": None,
    }
}
ROOT_URLCONF = "benchmarks.urls"
DEBUG = False
IMBRACE_TIMEOUT = 10.0
LOGGING_CONFIG = None
IMBRACE_RATE_LIMITS: dict[str, str] = {}
SILENCED_SYSTEM_CHECKS = ["django_imbrace.W001"]
# What a production site would run: sessions read from the (shared) cache, written through.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
