"""Fixtures and helpers for the hardening suite.

``hard`` is the sign-in sandbox (see ``tests/fixtures_signin.py``) with a short time budget
(``IMBRACE_TIMEOUT = 0.5``) so that "slower than the budget" costs half a second.
The helpers read state the way an attacker or an operator would see it: rate-limit
counters straight from the cache, the session as stored, the gateway's own counters.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory

from django_imbrace import ratelimit
from django_imbrace.conf import conf
from django_imbrace.flow import FLOW_SESSION_KEY
from django_imbrace.sandbox import SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY

TIMEOUT = 0.5

#: Text from the sandbox's fault bodies: never shown to a user.
GATEWAY_TEXT = [
    b"nginx",
    b"truncated",
    b"Service unavailable, please try again later",
    b"Bad gateway",
    b"Too many requests",
    b"99999",
]


@pytest.fixture
def hard(gateway_settings: SandboxGateway, settings: Any) -> SandboxGateway:
    """The per-test sandbox with a 0.5 s budget per gateway call."""
    settings.IMBRACE_TIMEOUT = TIMEOUT
    return gateway_settings


def counters(email: str, remote_addr: str = "127.0.0.1") -> dict[str, int]:
    """Every rate-limit counter (both actions, every rule) for ``email`` and ``remote_addr``,
    read from the cache in the current window of our clock."""
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr)
    cache = caches[conf.CACHE_ALIAS]
    found: dict[str, int] = {}
    for action in (ratelimit.REQUEST_CODE, ratelimit.LOGIN_FAILED):
        for rule, name, _retry in ratelimit._buckets(request, action, email):
            found[f"{action}:{rule.scope}"] = int(cache.get(name, 0))
    return found


def session_of(client: Client) -> dict[str, Any]:
    """What the server stores for this browser (empty without a session)."""
    return dict(client.session.items())


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in session_of(client)


def assert_nothing_stored(client: Client) -> None:
    """No Imbrace grant and no half-signed-in user in the session."""
    stored = session_of(client)
    assert ACCESS_SESSION_KEY not in stored
    assert "_auth_user_id" not in stored


def flow_of(client: Client) -> dict[str, Any] | None:
    flow: dict[str, Any] | None = session_of(client).get(FLOW_SESSION_KEY)
    return flow


def secrets_seen(sandbox: SandboxGateway, extra: Iterable[str] = ()) -> set[str]:
    """Every credential the gateway saw, every code it sent, every password it knows."""
    found = {use.value for use in sandbox.stats.credentials if use.value}
    found |= {message.code for message in sandbox.outbox}
    found |= {user.password for user in sandbox.users if user.password}
    found |= {key for org in sandbox.organizations for key in sandbox.api_keys(org.id)}
    return found | set(extra)


def assert_no_secret(text: str | bytes, secrets: Iterable[str]) -> None:
    """None of ``secrets`` (nor their lower-case forms) appears in ``text``."""
    body = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    lowered = body.lower()
    for secret in secrets:
        assert secret not in body, f"a secret leaked: {secret[:6]}..."
        assert secret.lower() not in lowered, f"a secret leaked: {secret[:6]}..."
