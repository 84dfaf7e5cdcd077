"""``django_imbrace.testing``: the helpers our users' own test suites rely on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import imbrace
import pytest
from django.test import Client, TestCase

from django_imbrace.client import anonymous_client, client_for_token
from django_imbrace.models import ImbraceIdentity
from django_imbrace.sandbox import Fault, SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY
from django_imbrace.testing import ImbraceSandboxMixin

pytestmark = pytest.mark.django_db


def test_sign_in_fixture_gives_a_working_request_imbrace(
    imbrace_gateway: SandboxGateway, imbrace_sign_in: Callable[..., Any]
) -> None:
    client = Client()
    user = imbrace_sign_in(client, "alice@example.com")

    response = client.get("/r/me/")

    assert response.status_code == 200
    assert response.json()["email"] == "alice@example.com"
    link = ImbraceIdentity.objects.get(user=user)
    assert link.imbrace_user_id == imbrace_gateway.user("alice@example.com").id


def test_sign_in_picks_the_requested_organization(
    imbrace_gateway: SandboxGateway, imbrace_sign_in: Callable[..., Any]
) -> None:
    globex = next(org for org in imbrace_gateway.organizations if org.name == "Globex")
    client = Client()
    imbrace_sign_in(client, "bob@example.com", globex.id)

    stored = client.session[ACCESS_SESSION_KEY]

    assert stored["organization_id"] == globex.id
    assert client.get("/r/me/").status_code == 200
    assert imbrace_gateway.stats.credentials[-1].value == stored["token"]
    assert client_for_token(stored["token"]).platform.get_me()["organization_id"] == globex.id
    token_expiry = datetime.fromisoformat(stored["expires_at"])
    assert client.session.get_expiry_date() <= token_expiry


def test_sign_in_refuses_a_deactivated_user(
    imbrace_gateway: SandboxGateway, imbrace_sign_in: Callable[..., Any]
) -> None:
    with pytest.raises(imbrace.ApiError) as refused:
        imbrace_sign_in(Client(), "carol@example.com")
    assert refused.value.status_code == 400


def test_gateway_fixture_starts_each_test_clean(imbrace_gateway: SandboxGateway) -> None:
    assert imbrace_gateway.outbox == []
    assert sum(imbrace_gateway.stats.requests.values()) == 0
    imbrace_gateway.inject("*", Fault.status(500))  # cleared by the next test's reset


class MixinTests(ImbraceSandboxMixin, TestCase):
    def test_client_signed_in_through_the_mixin_reaches_the_gateway(self) -> None:
        self.imbrace_sign_in("alice@example.com")

        response = self.client.get("/r/boards/")

        assert response.status_code == 200
        assert self.imbrace_gateway.stats.requests["boards"] == 1

    def test_set_up_resets_the_gateway(self) -> None:
        sdk = anonymous_client()
        sdk.request_otp("alice@example.com")
        assert len(self.imbrace_gateway.outbox) == 1

        self.setUp()

        assert self.imbrace_gateway.outbox == []
