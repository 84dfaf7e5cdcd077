"""Gateway outages at every step: 503 (or 429) at once, e-mail kept, nothing stored,
no attempt counted, never a 500 and never the SDK's retry sleeps."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.db.models.signals import pre_save
from django.test import Client

from django_imbrace.sandbox import Fault, SandboxGateway
from tests.fixtures_signin import (
    ALICE,
    OUTAGES,
    ask_code,
    enter_code,
    password_login,
    pending,
    signed_in_user_id,
    stored_grant,
)


def _assert_unavailable(response: Any, started: float) -> None:
    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"We could not reach Imbrace just now." in response.content
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("fault", OUTAGES.values(), ids=OUTAGES.keys())
def test_asking_for_a_code(
    browser: Client, gateway_settings: SandboxGateway, strict: None, fault: Fault
) -> None:
    gateway_settings.inject("otp_request", fault)
    started = time.monotonic()
    response = ask_code(browser, ALICE)
    _assert_unavailable(response, started)
    assert b'value="alice@example.com"' in response.content
    assert pending(browser) is None
    gateway_settings.clear_faults()
    assert ask_code(browser, ALICE).status_code == 302  # the outage was not counted


@pytest.mark.parametrize("fault", OUTAGES.values(), ids=OUTAGES.keys())
def test_entering_the_code(
    browser: Client, gateway_settings: SandboxGateway, strict: None, fault: Fault
) -> None:
    ask_code(browser, ALICE)
    gateway_settings.inject("authenticate", fault)
    started = time.monotonic()
    response = enter_code(browser, gateway_settings.last_code(ALICE))
    _assert_unavailable(response, started)
    assert b"alice@example.com" in response.content
    assert pending(browser)["attempts"] == 0
    gateway_settings.clear_faults()
    assert enter_code(browser, gateway_settings.last_code(ALICE)).status_code == 302


@pytest.mark.parametrize("route", ["authenticate", "exchange", "me"])
@pytest.mark.parametrize("fault", OUTAGES.values(), ids=OUTAGES.keys())
def test_password_sign_in(
    browser: Client, gateway_settings: SandboxGateway, strict: None, fault: Fault, route: str
) -> None:
    gateway_settings.inject(route, fault)
    started = time.monotonic()
    response = password_login(browser, ALICE)
    _assert_unavailable(response, started)
    assert b'value="alice@example.com"' in response.content
    assert stored_grant(browser) is None
    assert signed_in_user_id(browser) is None
    assert pending(browser) is None
    gateway_settings.clear_faults()
    assert password_login(browser, ALICE).status_code == 302


@pytest.mark.parametrize("route", ["otp_request", "authenticate"])
def test_gateway_429_is_too_many_attempts_at_once(
    browser: Client, gateway_settings: SandboxGateway, route: str
) -> None:
    ask_code(browser, ALICE)
    gateway_settings.inject(route, Fault.status(429))
    started = time.monotonic()
    response = ask_code(browser, ALICE) if route == "otp_request" else enter_code(browser, "ABC123")
    assert response.status_code == 429
    assert time.monotonic() - started < 1
    assert gateway_settings.stats.requests[route] <= 2


def test_json_callers_get_a_json_503(browser: Client, gateway_settings: SandboxGateway) -> None:
    gateway_settings.inject("otp_request", Fault.status(500))
    response = browser.post(
        "/imbrace/login/", {"email": ALICE}, headers={"accept": "application/json"}
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"


def test_raise_unavailable_setting(
    browser: Client, gateway_settings: SandboxGateway, settings: Any
) -> None:
    from django_imbrace.errors import ImbraceUnavailable

    settings.IMBRACE_RAISE_UNAVAILABLE = True
    gateway_settings.inject("otp_request", Fault.status(500))
    with pytest.raises(ImbraceUnavailable):
        ask_code(browser, ALICE)


@pytest.fixture
def broken_user_table() -> Iterator[None]:
    def fail(**kwargs: Any) -> None:
        raise DatabaseError("database is down")

    user_model = get_user_model()
    pre_save.connect(fail, sender=user_model, dispatch_uid="broken")
    yield
    pre_save.disconnect(sender=user_model, dispatch_uid="broken")


def test_database_error_creating_the_user(
    browser: Client, gateway_settings: SandboxGateway, broken_user_table: None
) -> None:
    response = password_login(browser, ALICE)
    assert response.status_code == 503
    assert stored_grant(browser) is None
    assert signed_in_user_id(browser) is None
