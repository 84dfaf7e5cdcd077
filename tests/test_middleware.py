"""request.imbrace in build mode: laziness, the user's token, sign-in required, expiry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import imbrace
import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.functional import empty

from django_imbrace.sandbox import Fault, SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY
from django_imbrace.signals import token_rejected
from tests.fixtures_request import SignedIn, expired, write_grant

JSON = {"accept": "application/json"}
MIDDLEWARE = "django_imbrace.middleware.ImbraceMiddleware"


def gateway_calls(gateway: SandboxGateway) -> int:
    return sum(gateway.stats.requests.values())


@contextmanager
def received_signals() -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        calls.append({"sender": sender, **kwargs})

    token_rejected.connect(receiver)
    try:
        yield calls
    finally:
        token_rejected.disconnect(receiver)


def login_redirect(path: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?next={path}"


def is_signed_out(client: Client) -> bool:
    session = client.session
    return ACCESS_SESSION_KEY not in session and "_auth_user_id" not in session


# -- laziness ------------------------------------------------------------------


def test_untouched_attribute_builds_no_client_and_calls_nothing(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    with CaptureQueriesContext(connection) as with_middleware:
        response = alice.client.get("/r/untouched/")
    assert response.status_code == 200
    request = response.wsgi_request
    assert request.imbrace._wrapped is empty  # type: ignore[attr-defined]
    assert request.aimbrace._wrapped is empty  # type: ignore[attr-defined]
    assert gateway_calls(gateway) == 0
    assert len(with_middleware) == 0  # not even the session is read


def test_untouched_attribute_costs_no_query_compared_with_plain_django(
    alice: SignedIn, settings: Any
) -> None:
    with CaptureQueriesContext(connection) as ours:
        alice.client.get("/r/untouched/")
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    with CaptureQueriesContext(connection) as plain:
        alice.client.get("/r/untouched/")
    assert len(ours) == len(plain)


def test_touched_attribute_is_a_real_sdk_client(alice: SignedIn, gateway: SandboxGateway) -> None:
    response = alice.client.get("/r/boards/")
    assert response.status_code == 200
    assert isinstance(response.wsgi_request.imbrace, imbrace.ImbraceClient)  # type: ignore[attr-defined]


# -- build mode ----------------------------------------------------------------


def test_the_signed_in_users_token_is_what_the_gateway_sees(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    response = alice.client.get("/r/boards/")
    assert response.status_code == 200
    assert "Contacts" in response.json()["boards"]
    seen = [(c.route, c.kind, c.value) for c in gateway.stats.credentials]
    assert seen == [("boards", "access_token", alice.token)]


def test_each_user_gets_their_own_identity(
    alice: SignedIn, bob: SignedIn, gateway: SandboxGateway
) -> None:
    assert alice.client.get("/r/me/").json() == {"email": "alice@example.com"}
    assert bob.client.get("/r/me/").json() == {"email": "bob@example.com"}
    assert [c.value for c in gateway.stats.credentials] == [alice.token, bob.token]


@pytest.mark.django_db
def test_anonymous_html_request_is_redirected_to_login_with_next(gateway: SandboxGateway) -> None:
    response = Client().get("/r/boards/?page=2")
    assert response.status_code == 302
    assert response["Location"] == login_redirect("/r/boards/%3Fpage%3D2")
    assert gateway_calls(gateway) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers", [JSON, {"x-requested-with": "XMLHttpRequest"}], ids=["accept", "xhr"]
)
def test_anonymous_json_request_gets_401_with_login_url(
    gateway: SandboxGateway, headers: dict[str, str]
) -> None:
    response = Client().get("/r/me/", headers=headers)
    assert response.status_code == 401
    assert response.json()["login_url"] == resolve_url(settings.LOGIN_URL)
    assert response.json()["error"]["code"] == "login_required"
    assert gateway_calls(gateway) == 0


def test_signed_in_user_without_a_grant_is_sent_to_sign_in(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    session = alice.client.session
    del session[ACCESS_SESSION_KEY]
    session.save()
    with received_signals() as signals:
        response = alice.client.get("/r/me/")
    assert response.status_code == 302
    assert signals == []
    assert gateway_calls(gateway) == 0


# -- expiry --------------------------------------------------------------------


def test_token_rejected_mid_view_signs_out_and_redirects(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    gateway.revoke(alice.token)
    with received_signals() as signals:
        response = alice.client.get("/r/me/")
    assert response.status_code == 302
    assert response["Location"] == login_redirect("/r/me/")
    assert is_signed_out(alice.client)
    assert len(signals) == 1
    assert signals[0]["reason"] == "rejected"
    assert signals[0]["user"] == alice.user
    assert "token" not in signals[0]
    assert alice.token.encode() not in response.content

    gateway.reset_stats()
    assert alice.client.get("/r/me/").status_code == 302  # anonymous now: no call at all
    assert gateway_calls(gateway) == 0


def test_token_rejected_for_a_json_caller_answers_401_json(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    gateway.revoke(alice.token)
    response = alice.client.get("/r/me/", headers=JSON)
    assert response.status_code == 401
    assert response.json()["login_url"] == resolve_url(settings.LOGIN_URL)
    assert is_signed_out(alice.client)


def test_expired_grant_is_signed_out_before_any_call(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    write_grant(alice.client, expired(alice.grant))
    with received_signals() as signals:
        response = alice.client.get("/r/boards/")
    assert response.status_code == 302
    assert response["Location"] == login_redirect("/r/boards/")
    assert gateway_calls(gateway) == 0
    assert is_signed_out(alice.client)
    assert [s["reason"] for s in signals] == ["expired"]


def test_token_refused_with_403_keeps_the_user_signed_in(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    gateway.inject("me", Fault.status(403), times=1)
    response = alice.client.get("/r/me/")
    assert response.status_code == 403
    assert ACCESS_SESSION_KEY in alice.client.session


def test_a_refused_token_the_view_brought_itself_signs_nobody_out(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    with pytest.raises(imbrace.AuthError):
        alice.client.get("/r/foreign-token/")
    assert ACCESS_SESSION_KEY in alice.client.session


@pytest.mark.django_db
def test_sign_in_page_that_needs_imbrace_never_loops(
    gateway: SandboxGateway, settings: Any
) -> None:
    settings.LOGIN_URL = "/r/sign-in/"
    response = Client().get("/r/sign-in/")
    assert response.status_code == 401
    assert "Location" not in response


def test_rejected_token_on_the_sign_in_page_never_loops(
    alice: SignedIn, gateway: SandboxGateway, settings: Any
) -> None:
    settings.LOGIN_URL = "/r/sign-in/"
    gateway.revoke(alice.token)
    response = alice.client.get("/r/sign-in/?next=/r/me/")
    assert response.status_code == 401
    assert is_signed_out(alice.client)
