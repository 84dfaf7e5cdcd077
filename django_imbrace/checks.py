"""System checks (``django_imbrace.E001``...); see the README's troubleshooting section.

Every check reads the settings at call time and never prints a key or token.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string

from .conf import MODES, WRAP_MODE, conf
from .ratelimit import ACTIONS, parse

MIDDLEWARE_PATH = "django_imbrace.middleware.ImbraceMiddleware"
BACKEND_PATH = "django_imbrace.backends.ImbraceBackend"
SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
SIGNED_COOKIES = "django.contrib.sessions.backends.signed_cookies"
PER_PROCESS_CACHE = "django.core.cache.backends.locmem.LocMemCache"
DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"
#: Caches whose ``incr`` is a read then a write (not atomic across processes).
NON_ATOMIC_CACHES = (
    "django.core.cache.backends.db.DatabaseCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)

Messages = list[CheckMessage]


def _is(path: str, target: str) -> bool:
    """``path`` names ``target`` or a subclass of it (unimportable paths: no)."""
    if path == target:
        return True
    try:
        found, wanted = import_string(path), import_string(target)
    except ImportError:
        return False
    return isinstance(found, type) and isinstance(wanted, type) and issubclass(found, wanted)


def _index(paths: Sequence[str], target: str) -> int | None:
    return next((i for i, path in enumerate(paths) if _is(path, target)), None)


@register(Tags.security)
def check_api_key(app_configs: Any = None, **kwargs: Any) -> Messages:
    """E001: wrap mode without a key; E002: a key that is not an ``api_`` key."""
    key = conf.API_KEY
    if conf.MODE == WRAP_MODE and not key:
        hint = "Set IMBRACE_API_KEY to an organization API key (api_...), from the environment."
        return [
            Error(
                "IMBRACE_MODE is 'wrap' but IMBRACE_API_KEY is not set.",
                hint=hint,
                id="django_imbrace.E001",
            )
        ]
    if key and not key.startswith("api_"):
        hint = (
            "Use an organization API key (it starts with 'api_'); user access tokens "
            "(acc_...) belong in the session, not in settings."
        )
        return [
            Error("IMBRACE_API_KEY is not an Imbrace API key.", hint=hint, id="django_imbrace.E002")
        ]
    return []


@register()
def check_middleware(app_configs: Any = None, **kwargs: Any) -> Messages:
    """E003: the middleware is missing; E004: it runs before session or auth middleware."""
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    ours = _index(middleware, MIDDLEWARE_PATH)
    if ours is None:
        return [
            Error(
                f"'{MIDDLEWARE_PATH}' is not in MIDDLEWARE.",
                hint="Add it after AuthenticationMiddleware.",
                id="django_imbrace.E003",
            )
        ]
    needed = [_index(middleware, SESSION_MIDDLEWARE), _index(middleware, AUTH_MIDDLEWARE)]
    if any(position is None or position > ours for position in needed):
        hint = (
            f"Place '{MIDDLEWARE_PATH}' after '{SESSION_MIDDLEWARE}' and "
            f"'{AUTH_MIDDLEWARE}' (both are required)."
        )
        return [
            Error(
                "ImbraceMiddleware runs before the session or authentication middleware.",
                hint=hint,
                id="django_imbrace.E004",
            )
        ]
    return []


@register()
def check_backend(app_configs: Any = None, **kwargs: Any) -> Messages:
    """E005: build mode without ``ImbraceBackend`` in ``AUTHENTICATION_BACKENDS``."""
    backends = list(getattr(settings, "AUTHENTICATION_BACKENDS", None) or [])
    if conf.MODE == WRAP_MODE or _index(backends, BACKEND_PATH) is not None:
        return []
    return [
        Error(
            f"'{BACKEND_PATH}' is not in AUTHENTICATION_BACKENDS.",
            hint="Build mode signs users in with Imbrace: add the backend "
            "(or set IMBRACE_MODE = 'wrap').",
            id="django_imbrace.E005",
        )
    ]


@register(Tags.security)
def check_session_engine(app_configs: Any = None, **kwargs: Any) -> Messages:
    """E006: signed-cookie sessions would hand the access token to the browser."""
    engine = str(getattr(settings, "SESSION_ENGINE", ""))
    signed = engine == SIGNED_COOKIES or _is(
        f"{engine}.SessionStore", f"{SIGNED_COOKIES}.SessionStore"
    )
    if not signed:
        return []
    return [
        Error(
            "SESSION_ENGINE stores sessions in signed cookies.",
            hint="Signed cookies are readable by the browser and would expose the "
            "Imbrace token: use the db, cache or cached_db engine.",
            id="django_imbrace.E006",
        )
    ]


@register()
def check_mode(app_configs: Any = None, **kwargs: Any) -> Messages:
    """E007: an ``IMBRACE_MODE`` other than ``"build"`` or ``"wrap"``."""
    if conf.MODE in MODES:
        return []
    return [
        Error(
            f"IMBRACE_MODE must be one of {', '.join(MODES)}.",
            hint="'build': users sign in with Imbrace; 'wrap': one API key for the site.",
            id="django_imbrace.E007",
        )
    ]


@register()
def check_gateway(app_configs: Any = None, **kwargs: Any) -> Messages:
    """E008: an ``IMBRACE_GATEWAY`` that is not an http(s) URL with a host."""
    parts = urlsplit(conf.GATEWAY)
    if parts.scheme in ("http", "https") and parts.netloc:
        return []
    return [
        Error(
            "IMBRACE_GATEWAY is not an http(s) URL.",
            hint="For example 'https://app-gatewayv2.imbrace.co'.",
            id="django_imbrace.E008",
        )
    ]


@register(Tags.caches)
def check_rate_limit_cache(app_configs: Any = None, **kwargs: Any) -> Messages:
    """The cache that counts rate limits (and wrong codes), while limits are on.

    E009: an unknown cache alias; E011: the dummy cache (nothing is ever counted);
    W001: a per-process cache (local memory); W002: a cache whose ``incr`` is not atomic.
    """
    try:
        if not conf.RATE_LIMITS:
            return []
    except (TypeError, ValueError):  # not a dict: E010 reports it
        return []
    alias = conf.CACHE_ALIAS
    caches = getattr(settings, "CACHES", None) or {}
    if alias not in caches:
        return [
            Error(
                f"IMBRACE_CACHE_ALIAS names no cache in CACHES ({alias!r}).",
                hint="Name a configured cache, or set IMBRACE_RATE_LIMITS = {}.",
                id="django_imbrace.E009",
            )
        ]
    backend = str(caches[alias].get("BACKEND", ""))
    if _is(backend, DUMMY_CACHE):
        return [
            Error(
                f"Rate-limit counters live in the dummy cache ({backend}).",
                hint="The dummy cache stores nothing: no rate limit and no wrong-code limit "
                "ever applies. Use Redis or Memcached for IMBRACE_CACHE_ALIAS (or set "
                "IMBRACE_RATE_LIMITS = {} to turn rate limits off knowingly).",
                id="django_imbrace.E011",
            )
        ]
    if _is(backend, PER_PROCESS_CACHE):
        return [
            Warning(
                f"Rate-limit counters live in a per-process cache ({backend}).",
                hint="Each server process counts on its own, so limits multiply: use "
                "Redis or Memcached for IMBRACE_CACHE_ALIAS.",
                id="django_imbrace.W001",
            )
        ]
    if any(_is(backend, path) for path in NON_ATOMIC_CACHES):
        return [
            Warning(
                f"Rate-limit counters live in a cache without an atomic increment ({backend}).",
                hint="Its incr() reads then writes, so parallel requests can exceed the "
                "limits: use Redis or Memcached for IMBRACE_CACHE_ALIAS.",
                id="django_imbrace.W002",
            )
        ]
    return []


def _rate_limit_problems(configured: Any) -> list[str]:
    if not isinstance(configured, dict):
        return [f"expected a dict, not {type(configured).__name__}"]
    problems = []
    for action, spec in configured.items():
        if action not in ACTIONS:
            problems.append(f"unknown action {action!r}")
        elif not isinstance(spec, str):
            problems.append(f"the rules of {action!r} are not a string")
        else:
            try:
                parse(spec)
            except ValueError as exc:
                problems.append(f"{action!r}: {exc}")
    return problems


@register()
def check_rate_limits(app_configs: Any = None, **kwargs: Any) -> Messages:
    """E010: an ``IMBRACE_RATE_LIMITS`` that is not a dict of known actions to rules
    (it would fail every sign-in)."""
    configured = getattr(settings, "IMBRACE_RATE_LIMITS", None)
    if configured is None:
        return []
    hint = (
        f"A dict naming {' and/or '.join(map(repr, ACTIONS))}, each with rules "
        "'COUNT/PERIOD/ip|key' joined by commas (e.g. '20/m/ip,3/m/key'); {} turns "
        "the limits off."
    )
    return [
        Error(f"IMBRACE_RATE_LIMITS is malformed: {problem}.", hint=hint, id="django_imbrace.E010")
        for problem in _rate_limit_problems(configured)
    ]
