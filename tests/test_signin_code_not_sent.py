"""A gateway 400 to a code request (an address it will not send to) is not a wrong code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from django_imbrace import ratelimit
from django_imbrace.sandbox import Fault, SandboxGateway
from django_imbrace.signals import FAILURE_REASONS, imbrace_login_failed
from tests.fixtures_api import Api
from tests.fixtures_signin import ALICE, CODE, LOGIN, RESEND, ask_code, pending, requests

NOT_EMAIL = {"code": 3, "field": "email", "message": "email must be in email format"}
SENT = "We could not send a code to this address. Check it and try again."
WRONG = "That code is not correct"


@pytest.fixture
def reasons() -> Iterator[list[str]]:
    seen: list[str] = []

    def remember(sender: Any, reason: str, **kwargs: Any) -> None:
        seen.append(reason)

    imbrace_login_failed.connect(remember)
    try:
        yield seen
    finally:
        imbrace_login_failed.disconnect(remember)


def test_the_reason_is_a_failure_reason() -> None:
    assert "code_not_sent" in FAILURE_REASONS


def test_the_page_says_the_code_was_not_sent_and_the_request_counts(
    browser: Client, gateway_settings: SandboxGateway, settings: Any, reasons: list[str]
) -> None:
    settings.IMBRACE_RATE_LIMITS = {"request_code": "1/m/key"}
    gateway_settings.inject("otp_request", Fault.status(400, NOT_EMAIL), times=1)
    response = ask_code(browser, ALICE)
    assert response.status_code == 200
    page = response.content.decode()
    assert SENT in page
    assert WRONG not in page
    assert pending(browser) is None
    assert reasons == ["code_not_sent"]
    again = ask_code(browser, ALICE)  # the request was made: its slot is kept
    assert again.status_code == 429
    assert requests(gateway_settings) == {"otp_request": 1}


def test_the_page_in_vietnamese(browser: Client, gateway_settings: SandboxGateway) -> None:
    gateway_settings.inject("otp_request", Fault.status(400, NOT_EMAIL), times=1)
    response = browser.post(LOGIN, {"email": ALICE}, HTTP_ACCEPT_LANGUAGE="vi")
    page = response.content.decode()
    assert "Chúng tôi không thể gửi mã đến địa chỉ này." in page


def test_a_refused_resend_says_the_code_was_not_sent(
    browser: Client, gateway_settings: SandboxGateway, reasons: list[str]
) -> None:
    ask_code(browser, ALICE)
    ratelimit.clock.advance(60)
    gateway_settings.inject("otp_request", Fault.status(400, NOT_EMAIL), times=1)
    response = browser.post(RESEND)
    assert response.status_code == 200
    page = response.content.decode()
    assert SENT in page
    assert WRONG not in page
    assert pending(browser) is not None


def test_the_api_answers_code_not_sent(
    api: Api, gateway_settings: SandboxGateway, settings: Any, reasons: list[str]
) -> None:
    settings.IMBRACE_RATE_LIMITS = {"request_code": "1/m/key"}
    gateway_settings.inject("otp_request", Fault.status(400, NOT_EMAIL), times=1)
    answer = api.post("request-code", {"email": ALICE})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error == {"code": "code_not_sent", "message": SENT}
    assert answer.json()["signin"] == {"stage": "none"}
    assert reasons == ["code_not_sent"]
    assert api.post("request-code", {"email": ALICE}).status_code == 429


def test_the_api_resend_answers_code_not_sent(api: Api, gateway_settings: SandboxGateway) -> None:
    api.post("request-code", {"email": ALICE})
    ratelimit.clock.advance(60)
    gateway_settings.inject("otp_request", Fault.status(400, NOT_EMAIL), times=1)
    answer = api.post("resend-code")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "code_not_sent"
    assert answer.json()["signin"]["stage"] == "code"


def test_a_wrong_code_is_still_a_wrong_code(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    ask_code(browser, ALICE)
    response = browser.post(CODE, {"code": "ZZZ999"})
    assert WRONG in response.content.decode()
