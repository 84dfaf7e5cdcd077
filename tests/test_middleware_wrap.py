"""Wrap mode: the organization API key on every request; a refused key is an operator error."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from django_imbrace.sandbox import SandboxGateway
from tests.fixtures_request import SignedIn

pytestmark = pytest.mark.django_db


def test_api_key_is_sent_on_every_request(wrap_mode: str, gateway: SandboxGateway) -> None:
    client = Client()  # the site's own auth decides; an anonymous visitor here
    assert client.get("/r/boards/").status_code == 200
    assert client.get("/r/me/").status_code == 200
    assert client.get("/r/boards/").status_code == 200
    seen = gateway.stats.credentials
    assert [c.route for c in seen] == ["boards", "me", "boards"]
    assert {(c.kind, c.value, c.organization_header) for c in seen} == {
        ("api_key", wrap_mode, None)
    }


def test_wrap_mode_attributes_calls_to_the_sites_own_user(
    wrap_mode: str, gateway: SandboxGateway, caplog: pytest.LogCaptureFixture
) -> None:
    user = get_user_model().objects.create_user("site-user")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    caplog.set_level(logging.INFO, logger="django_imbrace")
    assert client.get("/r/me/").status_code == 200
    assert f"imbrace call user={user.pk} mode=wrap GET /platform/v1/users/_me -> 200" in (
        caplog.text
    )
    assert wrap_mode not in caplog.text


@pytest.mark.parametrize("headers", [{}, {"accept": "application/json"}], ids=["html", "json"])
def test_refused_key_is_a_503_and_an_error_log_without_the_key(
    wrap_mode: str,
    gateway: SandboxGateway,
    caplog: pytest.LogCaptureFixture,
    headers: dict[str, str],
) -> None:
    gateway.revoke(wrap_mode)
    caplog.set_level(logging.INFO)
    response = Client().get("/r/boards/", headers=headers)
    assert response.status_code == 503
    errors = [
        r for r in caplog.records if r.levelno >= logging.ERROR and r.name != "django.request"
    ]
    assert [r.name for r in errors] == ["django_imbrace"]  # not the SDK's body-logging ERROR
    assert "refused the API key (HTTP 401)" in errors[0].getMessage()
    assert wrap_mode not in caplog.text
    assert wrap_mode.encode() not in response.content


def test_a_key_the_gateway_never_issued_is_refused_the_same_way(
    wrap_mode: str, gateway: SandboxGateway, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.IMBRACE_API_KEY = "api_not-a-real-key"
    response = Client().get("/r/me/")
    assert response.status_code == 503
    assert "api_not-a-real-key" not in caplog.text


def test_wrap_mode_sends_the_key_even_for_an_imbrace_signed_in_user(
    alice: SignedIn, wrap_mode: str, gateway: SandboxGateway
) -> None:
    gateway.reset_stats()
    assert alice.client.get("/r/me/").status_code == 200
    assert [c.value for c in gateway.stats.credentials] == [wrap_mode]


@pytest.mark.parametrize(
    ("mode", "key"), [("wrap", None), ("proxy", "api_x")], ids=["no-key", "unknown-mode"]
)
def test_misconfiguration_is_loud_not_silent(
    gateway: SandboxGateway, settings: Any, mode: str, key: str | None
) -> None:
    settings.IMBRACE_MODE = mode
    settings.IMBRACE_API_KEY = key
    with pytest.raises(ImproperlyConfigured, match=r"django_imbrace\.E00[17]"):
        Client().get("/r/me/")
    assert sum(gateway.stats.requests.values()) == 0
