"""Fixtures and helpers for the sign-in tests: a Django pointed at the sandbox, clean
rate-limit counters, our clock reset, and small steps that drive the real pages."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from django_imbrace import ratelimit
from django_imbrace.conf import conf
from django_imbrace.flow import FLOW_SESSION_KEY
from django_imbrace.sandbox import Fault, SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY

ALICE = "alice@example.com"
BOB = "bob@example.com"
CAROL = "carol@example.com"
PASSWORDS = {ALICE: "alice-password", BOB: "bob-password", CAROL: "carol-password"}

LOGIN = reverse("django_imbrace:login")
PASSWORD = reverse("django_imbrace:password")
CODE = reverse("django_imbrace:code")
RESEND = reverse("django_imbrace:resend")
ORGANIZATION = reverse("django_imbrace:organization")
LOGOUT = reverse("django_imbrace:logout")


@pytest.fixture
def gateway_settings(sandbox: SandboxGateway, settings: Any, db: None) -> Iterator[SandboxGateway]:
    """The per-test sandbox with ``IMBRACE_GATEWAY`` pointed at it, empty counters, our
    clock at real time; yields the sandbox."""
    settings.IMBRACE_GATEWAY = sandbox.url
    caches[conf.CACHE_ALIAS].clear()
    align_clock()
    yield sandbox
    ratelimit.clock.reset()
    caches[conf.CACHE_ALIAS].clear()


@pytest.fixture
def browser(gateway_settings: SandboxGateway) -> Client:
    """A test client (CSRF checks off, as Django's test client does by default)."""
    return Client()


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record at DEBUG, from every logger (``imbrace`` and ours included)."""
    caplog.set_level(logging.DEBUG)
    for name in ("imbrace", "django_imbrace", "django", "httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def align_clock() -> None:
    """Start the test just after an hour boundary of our clock: rate windows are fixed
    (aligned to the epoch), so no window can roll over in the middle of a test."""
    ratelimit.clock.reset()
    now = ratelimit.clock.now()
    ratelimit.clock.advance(math.floor(now / 3600) * 3600 + 3600 + 0.5 - now)


def requests(sandbox: SandboxGateway) -> dict[str, int]:
    """The gateway's per-route request counters, zeros dropped."""
    return {route: n for route, n in sandbox.stats.requests.items() if n}


def ask_code(client: Client, email: str, **extra: str) -> Any:
    return client.post(LOGIN, {"email": email, **extra})


def enter_code(client: Client, code: str) -> Any:
    return client.post(CODE, {"code": code})


def password_login(client: Client, email: str, password: str | None = None, **extra: str) -> Any:
    secret = PASSWORDS.get(email, "x") if password is None else password
    return client.post(PASSWORD, {"email": email, "password": secret, **extra})


def code_login(client: Client, sandbox: SandboxGateway, email: str, **extra: str) -> Any:
    """The whole code flow up to the answer to the code (a redirect on success)."""
    response = ask_code(client, email, **extra)
    assert response.status_code == 302, response.content
    return enter_code(client, sandbox.last_code(email))


def stored_grant(client: Client) -> dict[str, Any] | None:
    return client.session.get(ACCESS_SESSION_KEY)


def pending(client: Client) -> dict[str, Any] | None:
    return client.session.get(FLOW_SESSION_KEY)


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture(scope="session", autouse=True)
def _close_gateway_pool() -> Iterator[None]:
    """Close the process-wide connection pool when the test session ends."""
    yield
    from django_imbrace.client import close_pool

    close_pool()


#: Every kind of outage the sandbox can inject, for the page and API fault tests.
OUTAGES = {
    "500": Fault.status(500),
    "503": Fault.status(503),
    "html": Fault.html(502),
    "malformed": Fault.malformed(),
    "drop": Fault.drop(),
    "slow": Fault.delay(2.0),
}


@pytest.fixture
def strict(settings: Any) -> None:
    """A short time budget, and limits of one so that any counted attempt would show."""
    settings.IMBRACE_TIMEOUT = 0.25
    settings.IMBRACE_RATE_LIMITS = {"request_code": "1/m/key", "login_failed": "1/m/key"}
