"""One source for each message and no dead code: the pages and the API say the same."""

from __future__ import annotations

import dataclasses
import re

from django.test import Client
from django.utils import translation

from django_imbrace import finish, outcomes, ratelimit, views
from django_imbrace.outcomes import Outcome
from django_imbrace.sandbox import SandboxGateway
from tests.fixtures_api import Api
from tests.fixtures_signin import ALICE, CODE, LOGIN, RESEND, ask_code


def test_dead_code_is_gone() -> None:
    assert not hasattr(ratelimit, "counter_value")
    assert "user" not in {f.name for f in dataclasses.fields(Outcome)}
    assert not hasattr(views, "EXPIRED")


def test_resend_messages_come_from_finish() -> None:
    with translation.override("en"):
        assert finish.resend_wait_message(5) == (
            "Please wait 5 seconds before asking for another code."
        )
        assert finish.messages_for(outcomes.NO_MORE_RESENDS, "otp") == (
            "No more codes can be sent for this sign-in."
        )
        assert finish.messages_for(outcomes.NOT_LISTED, "password") == (
            "Choose one of the organizations listed."
        )
    with translation.override("vi"):
        assert (
            finish.resend_wait_message(5) != "Please wait 5 seconds before asking for another code."
        )
        assert "5" in finish.resend_wait_message(5)


def test_the_page_and_the_api_show_the_same_resend_wait(
    browser: Client, api: Api, gateway_settings: SandboxGateway
) -> None:
    ask_code(browser, ALICE)
    browser.post(RESEND)
    page = browser.get(CODE).content.decode()
    api.post("request-code", {"email": ALICE})
    answer = api.post("resend-code").json()["error"]
    assert answer["code"] == "resend_wait"
    assert re.sub(r"\d+", "N", answer["message"]) in re.sub(r"\d+", "N", page)


def test_the_expired_page_message_is_the_no_pending_message(browser: Client) -> None:
    response = browser.get(CODE, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    with translation.override("en"):
        text = finish.messages_for(outcomes.NO_PENDING, "otp")
    assert text in response.content.decode()
