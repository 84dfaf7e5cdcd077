"""Settings for the example site; every deployment value comes from the environment or ``.env``.

The variables: ``SECRET_KEY``, ``DEBUG``, ``DATABASE_URL`` (SQLite by default),
``CACHE_URL``, ``IMBRACE_GATEWAY``, ``IMBRACE_MODE``, ``IMBRACE_API_KEY``,
``IMBRACE_ORGANIZATION_ID``.
"""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="example-only-insecure-key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "example_project",  # before django_imbrace: its templates override ours
    "django_imbrace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_imbrace.middleware.ImbraceMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "django_imbrace.backends.ImbraceBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "example_project.urls"
WSGI_APPLICATION = "example_project.wsgi.application"
ASGI_APPLICATION = "example_project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("vi", "Tiếng Việt")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGIN_URL = "django_imbrace:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

IMBRACE_GATEWAY = env("IMBRACE_GATEWAY", default="https://app-gatewayv2.imbrace.co")
IMBRACE_MODE = env("IMBRACE_MODE", default="build")
IMBRACE_API_KEY = env("IMBRACE_API_KEY", default=None)
IMBRACE_ORGANIZATION_ID = env("IMBRACE_ORGANIZATION_ID", default=None)

if not env("CACHE_URL", default=None):
    # One process with a local-memory cache is fine for the demo; production wants Redis.
    SILENCED_SYSTEM_CHECKS = ["django_imbrace.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django_imbrace": {"handlers": ["console"], "level": "INFO"}},
}
