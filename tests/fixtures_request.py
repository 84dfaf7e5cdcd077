"""Fixtures for the request tests: a gateway-pointed Django, signed-in test clients.

Users are signed in without the sign-in views: a local Django user is force-logged-in
and a real ``acc_`` token, obtained from the sandbox through the SDK, is written into
the session exactly where the sign-in flow stores it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from django_imbrace.client import anonymous_client, close_pool
from django_imbrace.sandbox import SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY, AccessGrant, parse_expiry

PASSWORDS = {
    "alice@example.com": "alice-password",
    "bob@example.com": "bob-password",
}
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass
class SignedIn:
    """A test client whose session holds a user and their Imbrace grant."""

    client: Client
    user: Any
    grant: AccessGrant

    @property
    def token(self) -> str:
        return self.grant.token


def obtain_grant(email: str, organization_id: str | None = None) -> AccessGrant:
    """Log in to the configured gateway through the SDK and exchange for an ``acc_`` token."""
    sdk = anonymous_client(caller="tests")
    login = sdk.login(email, PASSWORDS[email])
    org = organization_id or login["organizations"][0]["organization_id"]
    sdk.http.organization_id = org
    access = sdk.auth.exchange_access_token(org)
    expires_at = parse_expiry(access["expired_at"])
    assert expires_at is not None
    return AccessGrant(access["token"], org, expires_at, str(access.get("user_id", "")))


def write_grant(client: Client, grant: AccessGrant) -> None:
    """Store ``grant`` in ``client``'s session under the sign-in flow's key."""
    session = client.session
    session[ACCESS_SESSION_KEY] = grant.to_session()
    session.save()


def sign_in(client: Client, email: str, grant: AccessGrant | None = None) -> SignedIn:
    """Sign ``client`` in as ``email`` (local user + real token from the gateway)."""
    user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
    client.force_login(user, backend=MODEL_BACKEND)
    grant = grant or obtain_grant(email)
    write_grant(client, grant)
    return SignedIn(client, user, grant)


def expired(grant: AccessGrant) -> AccessGrant:
    """The same grant, expired a minute ago."""
    past = datetime.now(timezone.utc) - timedelta(minutes=1)
    return AccessGrant(grant.token, grant.organization_id, past, grant.imbrace_user_id)


def closed_port_url() -> str:
    """A local URL nothing listens on (the port was just released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def gateway(sandbox: SandboxGateway, settings: Any) -> SandboxGateway:
    """The per-test sandbox, with ``IMBRACE_GATEWAY`` pointed at it."""
    settings.IMBRACE_GATEWAY = sandbox.url
    return sandbox


@pytest.fixture
def alice(gateway: SandboxGateway, db: None) -> SignedIn:
    """Alice signed in (build mode); the sandbox counters start at zero."""
    signed_in = sign_in(Client(), "alice@example.com")
    gateway.reset_stats()
    return signed_in


@pytest.fixture
def bob(gateway: SandboxGateway, db: None) -> SignedIn:
    """Bob signed in to his first organization; the sandbox counters start at zero."""
    signed_in = sign_in(Client(), "bob@example.com")
    gateway.reset_stats()
    return signed_in


@pytest.fixture
def wrap_mode(gateway: SandboxGateway, settings: Any) -> str:
    """Wrap mode with Acme's API key; returns the key."""
    org = gateway.user("alice@example.com").organization_ids[0]
    key = gateway.api_keys(org)[0]
    settings.IMBRACE_MODE = "wrap"
    settings.IMBRACE_API_KEY = key
    return key


@pytest.fixture(autouse=True, scope="session")
def close_imbrace_pool_at_exit() -> Iterator[None]:
    """Close the process-wide pool after the last test (no ResourceWarning at exit)."""
    yield
    close_pool()
