"""The grant in the session: it never outlives the token, and a stricter site policy stays."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from django_imbrace.sandbox import Fault, SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY, AccessGrant
from tests.fixtures_signin import ALICE, password_login, stored_grant

pytestmark = pytest.mark.django_db


def _expiry_gap(client: Client) -> timedelta:
    session = client.session
    token_expiry = AccessGrant.from_session(session[ACCESS_SESSION_KEY])
    assert token_expiry is not None
    return token_expiry.expires_at - session.get_expiry_date()


def test_a_long_site_session_is_cut_to_the_token(
    browser: Client, gateway_settings: SandboxGateway, settings: Any
) -> None:
    settings.SESSION_COOKIE_AGE = 90 * 24 * 3600  # longer than the 30-day token
    password_login(browser, ALICE)
    assert abs(_expiry_gap(browser)) < timedelta(seconds=5)


def test_a_short_site_session_keeps_its_own_expiry(
    browser: Client, gateway_settings: SandboxGateway, settings: Any
) -> None:
    settings.SESSION_COOKIE_AGE = 3600
    password_login(browser, ALICE)
    assert browser.session.get_expiry_age() <= 3600
    assert _expiry_gap(browser) > timedelta(days=29)


def test_browser_close_sessions_stay_browser_close_when_the_token_outlives_them(
    browser: Client, gateway_settings: SandboxGateway, settings: Any
) -> None:
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.SESSION_COOKIE_AGE = 3600
    password_login(browser, ALICE)
    assert browser.session.get_expire_at_browser_close()
    assert browser.session.get_expiry_date() < timezone.now() + timedelta(hours=2)


@pytest.mark.parametrize("body", [[1, 2], ["token"], {"token": 5}])
def test_a_login_answer_of_the_wrong_shape_is_an_outage_not_a_500(
    browser: Client, gateway_settings: SandboxGateway, body: Any
) -> None:
    gateway_settings.inject("authenticate", Fault.status(200, body))
    response = password_login(browser, ALICE)
    assert response.status_code == 503
    assert stored_grant(browser) is None
