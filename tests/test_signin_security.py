"""CSRF, sessions, sign-out, open redirects, signals and the sentinel scan for secrets."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.signals import user_login_failed
from django.test import Client

from django_imbrace.sandbox import SandboxGateway
from django_imbrace.signals import imbrace_login_failed, imbrace_login_succeeded
from tests.fixtures_signin import (
    ALICE,
    BOB,
    CODE,
    LOGIN,
    LOGOUT,
    ORGANIZATION,
    PASSWORD,
    PASSWORDS,
    RESEND,
    ask_code,
    code_login,
    enter_code,
    password_login,
    signed_in_user_id,
    stored_grant,
)

# Django's own unsafe-redirect corpus (tests/utils_tests/test_http.py) and a few more.
BAD_NEXT = [
    "http://evil.example",
    "https://evil.example/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "https://testserver.evil",
    "http://testserver@evil.example",
    "\x00",
    "/\x00/evil",
    " //evil",
    "\t//evil",
    "http:///evil.example",
    "ftp://testserver/",
    "http://testserver/",  # plain http would be fine here, but not https-only below
    "x" * 2100,
]


def test_csrf_is_required_on_every_post(gateway_settings: SandboxGateway) -> None:
    client = Client(enforce_csrf_checks=True)
    for url in [LOGIN, PASSWORD, CODE, RESEND, ORGANIZATION, LOGOUT]:
        assert client.post(url, {"email": ALICE}).status_code == 403
    assert gateway_settings.stats.requests.get("otp_request", 0) == 0


def test_csrf_token_round_trip(gateway_settings: SandboxGateway) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    token = client.cookies["csrftoken"].value
    response = client.post(LOGIN, {"email": ALICE, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_views_hide_post_parameters(browser: Client) -> None:
    response = password_login(browser, ALICE, "")
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"  # type: ignore[attr-defined]


def test_session_key_changes_at_sign_in(browser: Client, gateway_settings: SandboxGateway) -> None:
    ask_code(browser, ALICE)
    before = browser.session.session_key
    enter_code(browser, gateway_settings.last_code(ALICE))
    assert browser.session.session_key != before
    assert stored_grant(browser) is not None


def test_user_b_over_user_a_drops_a_token(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    password_login(browser, ALICE)
    alice_token = stored_grant(browser)["token"]
    alice_id = signed_in_user_id(browser)
    response = password_login(browser, BOB)
    globex = next(o for o in gateway_settings.organizations if o.name == "Globex")
    browser.post(ORGANIZATION, {"organization": globex.id})
    assert response.status_code == 302
    assert stored_grant(browser)["token"] != alice_token
    assert alice_token not in str(dict(browser.session.items()))
    assert signed_in_user_id(browser) != alice_id


def test_sign_out_is_post_only_and_flushes(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    password_login(browser, ALICE)
    old_cookie = browser.cookies["sessionid"].value
    assert browser.get(LOGOUT).status_code == 405
    assert stored_grant(browser) is not None
    response = browser.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert stored_grant(browser) is None
    assert signed_in_user_id(browser) is None
    stale = Client()
    stale.cookies["sessionid"] = old_cookie
    assert stale.session.get("_auth_user_id") is None


def test_two_browsers_for_the_same_user(gateway_settings: SandboxGateway) -> None:
    first, second = Client(), Client()
    password_login(first, ALICE)
    password_login(second, ALICE)
    for client in (first, second):
        response = client.get("/")
        assert response.wsgi_request.user.is_authenticated
        assert stored_grant(client) is not None


@pytest.mark.parametrize("next_url", ["/after/", "/after/?x=1&y=2"])
def test_next_is_carried_through_every_step(
    browser: Client, gateway_settings: SandboxGateway, next_url: str
) -> None:
    response = code_login(browser, gateway_settings, ALICE, next=next_url)
    assert response["Location"] == next_url
    other = Client()
    assert password_login(other, ALICE, next=next_url)["Location"] == next_url
    bob = Client()
    password_login(bob, BOB, next=next_url)
    acme = gateway_settings.user(BOB).organization_ids[0]
    assert bob.post(ORGANIZATION, {"organization": acme})["Location"] == next_url
    page = Client().get(LOGIN, {"next": next_url}).content.decode()
    assert 'name="next"' in page
    assert Client().post(LOGOUT, {"next": next_url})["Location"] == next_url


@pytest.mark.parametrize("next_url", BAD_NEXT)
def test_unsafe_next_is_dropped(
    gateway_settings: SandboxGateway, next_url: str, settings: Any
) -> None:
    client = Client()
    page = client.get(LOGIN, {"next": next_url}).content.decode()
    assert "evil" not in page
    response = code_login(client, gateway_settings, ALICE, next=next_url)
    assert response["Location"] == "/" or next_url == "http://testserver/"
    secure = Client()
    response = secure.post(
        PASSWORD, {"email": BOB, "password": "bob-password", "next": next_url}, secure=True
    )
    acme = gateway_settings.user(BOB).organization_ids[0]
    response = secure.post(ORGANIZATION, {"organization": acme}, secure=True)
    assert response["Location"] == "/"
    assert Client().post(LOGOUT, {"next": next_url})["Location"] in ("/", next_url)


def test_signals_carry_no_secrets(browser: Client, gateway_settings: SandboxGateway) -> None:
    seen: list[dict[str, Any]] = []

    def remember(**kwargs: Any) -> None:
        seen.append({k: v for k, v in kwargs.items() if k not in ("signal", "sender")})

    imbrace_login_failed.connect(remember)
    imbrace_login_succeeded.connect(remember)
    try:
        password_login(browser, ALICE, "wrong-password-sentinel")
        password_login(browser, ALICE)
    finally:
        imbrace_login_failed.disconnect(remember)
        imbrace_login_succeeded.disconnect(remember)
    failed, succeeded = seen
    assert failed["reason"] == "invalid_credentials"
    assert failed["email"] == ALICE
    assert set(failed) == {"request", "email", "method", "reason"}
    assert set(succeeded) == {"request", "user", "organization_id", "method"}
    assert "wrong-password-sentinel" not in repr(seen)


def test_django_login_failed_signal_masks_the_grant(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    from django.contrib.auth import get_user_model

    password_login(Client(), ALICE)
    get_user_model().objects.update(is_active=False)
    seen: list[dict[str, Any]] = []

    def remember(credentials: dict[str, Any], **kwargs: Any) -> None:
        seen.append(credentials)

    user_login_failed.connect(remember)
    try:
        password_login(browser, ALICE)
    finally:
        user_login_failed.disconnect(remember)
    assert seen == [{"imbrace_access_token": "********************"}]


def test_no_secret_reaches_logs_or_pages(
    gateway_settings: SandboxGateway, all_logs: pytest.LogCaptureFixture
) -> None:
    sandbox = gateway_settings
    pages: list[bytes] = []
    client = Client()
    pages.append(password_login(client, ALICE, "sentinel-wrong-password").content)
    pages.append(password_login(client, BOB).content)
    pages.append(client.get(ORGANIZATION).content)
    globex = next(o for o in sandbox.organizations if o.name == "Globex")
    pages.append(client.post(ORGANIZATION, {"organization": globex.id}, follow=True).content)
    other = Client()
    ask_code(other, ALICE)
    code = sandbox.last_code(ALICE)
    pages.append(other.get(CODE).content)
    pages.append(enter_code(other, "ZZZZZ9").content)
    pages.append(enter_code(other, code.lower()).content)
    pages.append(other.get("/", follow=True).content)
    secrets = {code, "sentinel-wrong-password", *PASSWORDS.values()}
    secrets |= {use.value for use in sandbox.stats.credentials if use.value}
    secrets |= {stored_grant(client)["token"], stored_grant(other)["token"]}
    assert any(s.startswith("login_acc_") for s in secrets)
    text = all_logs.text + "".join(repr(r.__dict__) for r in all_logs.records)
    body = b"".join(pages).decode()
    for secret in secrets:
        assert secret not in text
        assert secret not in body
        assert secret.lower() not in body.lower()
