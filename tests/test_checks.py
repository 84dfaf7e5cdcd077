"""System checks: each one firing and not firing, never showing the key."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore as SignedCookieStore
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.checks import run_checks

from django_imbrace import checks
from django_imbrace.middleware import ImbraceMiddleware

SESSION = "django.contrib.sessions.middleware.SessionMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
OURS = "django_imbrace.middleware.ImbraceMiddleware"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
DUMMY = "django.core.cache.backends.dummy.DummyCache"


class CustomMiddleware(ImbraceMiddleware):
    """A project's subclass: accepted by E003/E004 (named by its dotted path below)."""


class SessionStore(SignedCookieStore):
    """Makes this module a signed-cookie session engine for E006."""


def ids(messages: list[Any]) -> list[str]:
    return [m.id for m in messages]


def test_the_test_settings_pass_every_check() -> None:
    messages = [m for m in run_checks() if str(m.id).startswith("django_imbrace.")]
    assert [m for m in messages if not m.is_silenced()] == []


def test_e001_wrap_mode_without_a_key(settings: Any) -> None:
    settings.IMBRACE_MODE = "wrap"
    assert ids(checks.check_api_key()) == ["django_imbrace.E001"]
    settings.IMBRACE_API_KEY = "api_123"
    assert checks.check_api_key() == []


def test_e001_build_mode_needs_no_key(settings: Any) -> None:
    settings.IMBRACE_MODE = "build"
    assert checks.check_api_key() == []


@pytest.mark.parametrize("key", ["acc_secret-token-value", "sk-live-secret", "API_upper"])
def test_e002_a_key_that_is_not_an_api_key_is_never_printed(settings: Any, key: str) -> None:
    settings.IMBRACE_API_KEY = key
    messages = checks.check_api_key()
    assert ids(messages) == ["django_imbrace.E002"]
    assert messages[0].hint
    assert key not in str(messages[0]) + repr(messages[0])


def test_e003_middleware_missing(settings: Any) -> None:
    settings.MIDDLEWARE = [SESSION, AUTH]
    assert ids(checks.check_middleware()) == ["django_imbrace.E003"]
    settings.MIDDLEWARE = [SESSION, AUTH, OURS]
    assert checks.check_middleware() == []


@pytest.mark.parametrize(
    "order",
    [[OURS, SESSION, AUTH], [SESSION, OURS, AUTH], [AUTH, OURS], [SESSION, OURS]],
    ids=["before-both", "before-auth", "no-session", "no-auth"],
)
def test_e004_middleware_before_session_or_auth(settings: Any, order: list[str]) -> None:
    settings.MIDDLEWARE = order
    messages = checks.check_middleware()
    assert ids(messages) == ["django_imbrace.E004"]
    assert messages[0].hint


def test_e003_unimportable_entries_are_not_ours(settings: Any) -> None:
    settings.MIDDLEWARE = [SESSION, AUTH, "no_such_module.Middleware"]
    assert ids(checks.check_middleware()) == ["django_imbrace.E003"]


def test_e004_accepts_subclasses(settings: Any) -> None:
    settings.MIDDLEWARE = [SESSION, AUTH, "tests.test_checks.CustomMiddleware"]
    assert checks.check_middleware() == []


def test_e005_backend_missing_in_build_mode(settings: Any) -> None:
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    assert ids(checks.check_backend()) == ["django_imbrace.E005"]
    settings.IMBRACE_MODE = "wrap"
    assert checks.check_backend() == []


def test_e005_not_fired_with_the_backend(settings: Any) -> None:
    settings.AUTHENTICATION_BACKENDS = ["django_imbrace.backends.ImbraceBackend"]
    assert checks.check_backend() == []


def test_e006_signed_cookie_sessions(settings: Any) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    assert ids(checks.check_session_engine()) == ["django_imbrace.E006"]
    for engine in ("db", "cache", "cached_db", "file"):
        settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{engine}"
        assert checks.check_session_engine() == []


def test_e006_a_subclass_of_the_signed_cookie_store(settings: Any) -> None:
    settings.SESSION_ENGINE = "tests.test_checks"  # its SessionStore is a signed-cookie one
    assert ids(checks.check_session_engine()) == ["django_imbrace.E006"]


@pytest.mark.parametrize("mode", ["Build", "proxy", ""])
def test_e007_unknown_mode(settings: Any, mode: str) -> None:
    settings.IMBRACE_MODE = mode
    assert ids(checks.check_mode()) == ["django_imbrace.E007"]


@pytest.mark.parametrize("mode", ["build", "wrap"])
def test_e007_known_modes(settings: Any, mode: str) -> None:
    settings.IMBRACE_MODE = mode
    assert checks.check_mode() == []


@pytest.mark.parametrize(
    "url", ["ftp://gateway.example", "app-gatewayv2.imbrace.co", "http://", "javascript:x"]
)
def test_e008_gateway_not_http(settings: Any, url: str) -> None:
    settings.IMBRACE_GATEWAY = url
    assert ids(checks.check_gateway()) == ["django_imbrace.E008"]


@pytest.mark.parametrize("url", ["https://app-gatewayv2.imbrace.co", "http://127.0.0.1:8765/"])
def test_e008_http_gateways(settings: Any, url: str) -> None:
    settings.IMBRACE_GATEWAY = url
    assert checks.check_gateway() == []


class SubclassedLocMem(LocMemCache):
    """A project's subclass of the local-memory cache: still per process."""


class SubclassedDummy(DummyCache):
    """A project's subclass of the dummy cache: still counts nothing."""


@pytest.mark.parametrize("backend", [LOCMEM, f"{__name__}.SubclassedLocMem"])
def test_w001_per_process_cache_with_rate_limits(settings: Any, backend: str) -> None:
    settings.CACHES = {"default": {"BACKEND": backend}}
    settings.IMBRACE_RATE_LIMITS = None  # the defaults are on
    assert ids(checks.check_rate_limit_cache()) == ["django_imbrace.W001"]


@pytest.mark.parametrize("backend", [DUMMY, f"{__name__}.SubclassedDummy"])
@pytest.mark.parametrize("limits", [None, {"login_failed": "5/m/key"}])
def test_e011_dummy_cache_with_rate_limits(
    settings: Any, backend: str, limits: dict[str, str] | None
) -> None:
    settings.CACHES = {"default": {"BACKEND": backend}}
    settings.IMBRACE_RATE_LIMITS = limits
    messages = checks.check_rate_limit_cache()
    assert ids(messages) == ["django_imbrace.E011"]
    assert messages[0].is_serious()
    assert "IMBRACE_RATE_LIMITS" in str(messages[0].hint)


def test_e011_not_fired_without_rate_limits(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": DUMMY}}
    settings.IMBRACE_RATE_LIMITS = {}
    assert checks.check_rate_limit_cache() == []


def test_e011_only_for_the_counters_cache(settings: Any) -> None:
    settings.CACHES = {
        "default": {"BACKEND": DUMMY},
        "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache"},
    }
    settings.IMBRACE_CACHE_ALIAS = "shared"
    assert checks.check_rate_limit_cache() == []


@pytest.mark.parametrize(
    ("backend", "location"),
    [
        ("django.core.cache.backends.db.DatabaseCache", "imbrace_cache"),
        ("django.core.cache.backends.filebased.FileBasedCache", "/tmp/imbrace-cache"),
    ],
)
def test_w002_cache_without_an_atomic_incr(settings: Any, backend: str, location: str) -> None:
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": location}}
    settings.IMBRACE_RATE_LIMITS = None
    messages = checks.check_rate_limit_cache()
    assert ids(messages) == ["django_imbrace.W002"]
    assert "Redis or Memcached" in str(messages[0].hint)
    settings.IMBRACE_RATE_LIMITS = {}
    assert checks.check_rate_limit_cache() == []


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.memcached.PyMemcacheCache",
        "django.core.cache.backends.memcached.PyLibMCCache",
    ],
)
def test_no_cache_warning_for_redis_or_memcached(settings: Any, backend: str) -> None:
    settings.CACHES = {"default": {"BACKEND": backend}}
    settings.IMBRACE_RATE_LIMITS = None
    assert checks.check_rate_limit_cache() == []


def test_w001_not_fired_without_rate_limits(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": LOCMEM}}
    settings.IMBRACE_RATE_LIMITS = {}
    assert checks.check_rate_limit_cache() == []


def test_w001_not_fired_for_a_shared_cache(settings: Any) -> None:
    settings.CACHES = {
        "default": {"BACKEND": LOCMEM},
        "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache"},
    }
    settings.IMBRACE_CACHE_ALIAS = "shared"
    assert checks.check_rate_limit_cache() == []


def test_e009_unknown_cache_alias(settings: Any) -> None:
    settings.IMBRACE_CACHE_ALIAS = "counters"
    assert ids(checks.check_rate_limit_cache()) == ["django_imbrace.E009"]


@pytest.mark.parametrize(
    "limits",
    [
        "20/m/ip,3/m/key",
        ["request_code", "3/m/key"],
        {"request_code": "3/m/user"},
        {"request_code": "3 per minute"},
        {"login_failed": 5},
        {"login_failed": None},
        {"request_codes": "3/m/key"},
        {"request_code": "3/m/key", "login_failed": "5/0m/key"},
    ],
)
def test_e010_malformed_rate_limits(settings: Any, limits: Any) -> None:
    settings.IMBRACE_RATE_LIMITS = limits
    assert ids(checks.check_rate_limits()) == ["django_imbrace.E010"]
    assert isinstance(checks.check_rate_limit_cache(), list)  # W001/E009 do not crash


@pytest.mark.parametrize(
    "limits",
    [
        None,
        {},
        {"request_code": "20/m/ip,3/m/key"},
        {"login_failed": " 10/m/ip , 5/5m/key "},
        {"request_code": "", "login_failed": "1/d/ip"},
    ],
)
def test_e010_not_fired_for_valid_rate_limits(settings: Any, limits: Any) -> None:
    settings.IMBRACE_RATE_LIMITS = limits
    assert checks.check_rate_limits() == []


def test_checks_are_registered(settings: Any) -> None:
    settings.IMBRACE_MODE = "proxy"
    settings.IMBRACE_RATE_LIMITS = {"request_code": "3/minute/key"}
    found = ids(run_checks())
    assert "django_imbrace.E007" in found
    assert "django_imbrace.E010" in found
