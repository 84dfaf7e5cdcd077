"""Secret hygiene: sentinel codes, tokens, keys and passwords never leave the server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.views.debug import ExceptionReporter

from django_imbrace.client import client_for_api_key, client_for_token
from django_imbrace.sandbox import Fault, SandboxGateway
from tests.fixtures_signin import (
    ALICE,
    BOB,
    LOGOUT,
    ORGANIZATION,
    ask_code,
    enter_code,
    password_login,
)

from .conftest import assert_no_secret, secrets_seen, session_of


def test_a_typed_code_is_never_written_back_into_the_page(hard: SandboxGateway) -> None:
    browser = Client()
    ask_code(browser, ALICE)
    code = hard.last_code(ALICE)
    hard.inject("authenticate", Fault.status(503), times=1)
    outage = enter_code(browser, code)
    assert outage.status_code == 503
    wrong = enter_code(browser, "ZZ-ZZ 9Q")
    assert wrong.status_code == 200
    for page, typed in ((outage, code), (wrong, "ZZ-ZZ 9Q")):
        html = page.content.decode()
        assert typed not in html
        assert 'name="code"' in html


# -- sentinels through whole flows, DEBUG on and off ------------------------------------------


def _texts(response: Any) -> str:
    headers = "".join(f"{k}: {v}\n" for k, v in response.items())
    return headers + response.content.decode("utf-8", "replace")


def _cookies(client: Client) -> str:
    return "".join(f"{name}={morsel.value}\n" for name, morsel in client.cookies.items())


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_sentinels_never_leave_the_server(
    hard: SandboxGateway, settings: Any, all_logs: pytest.LogCaptureFixture, debug: bool
) -> None:
    """Code, password and picker sign-ins, API calls through ``request.imbrace`` (good,
    failing, refused), the JSON sign-in API and sign-out, with every logger at DEBUG:
    the sandbox's real tokens, codes, keys and passwords appear in no page, header,
    cookie, message or log record."""
    settings.DEBUG = debug
    pages: list[str] = []
    code_user = Client()
    pages.append(_texts(ask_code(code_user, ALICE)))
    pages.append(_texts(enter_code(code_user, "WR0NG1")))
    pages.append(_texts(enter_code(code_user, hard.last_code(ALICE))))
    for url in ("/r/me/", "/r/boards/", "/r/ame/", "/r/aboth/"):
        pages.append(_texts(code_user.get(url)))
    hard.inject("boards", Fault.status(500, {"message": "sentinel-gateway-body"}), times=2)
    pages.append(_texts(code_user.get("/r/boards/")))
    picker_user = Client()
    pages.append(_texts(password_login(picker_user, BOB, "sentinel-wrong-password")))
    pages.append(_texts(password_login(picker_user, BOB)))
    pages.append(_texts(picker_user.get(ORGANIZATION)))
    globex = next(o for o in hard.organizations if o.name == "Globex")
    pages.append(_texts(picker_user.post(ORGANIZATION, {"organization": globex.id}, follow=True)))
    token = session_of(picker_user)["_imbrace_access"]["token"]
    hard.revoke(token)
    pages.append(_texts(picker_user.get("/r/me/", follow=True)))  # 401: signed out
    api = Client()
    body = {"email": ALICE, "password": "alice-password"}
    pages.append(_texts(api.post("/imbrace/api/signin/password/", body, "application/json")))
    pages.append(_texts(api.get("/imbrace/api/me/")))
    pages.append(_texts(code_user.post(LOGOUT, follow=True)))
    cookies = _cookies(code_user) + _cookies(picker_user) + _cookies(api)
    logs = all_logs.text + "".join(
        repr(record.__dict__) + record.getMessage() for record in all_logs.records
    )
    secrets = secrets_seen(hard, {token, "sentinel-wrong-password"})
    assert any(s.startswith("login_acc_") for s in secrets)
    assert any(s.startswith("acc_") for s in secrets)
    for where in ("".join(pages), cookies, logs):
        assert_no_secret(where, secrets)
    assert "sentinel-gateway-body" not in "".join(pages) + logs


FAULTS = {
    "500": Fault.status(500, {"message": "sentinel-gateway-body"}),
    "502-html": Fault.html(502),
    "malformed": Fault.malformed(),
    "dropped": Fault.drop(),
    "slow": Fault.delay(1.0),
    "429": Fault.status(429),
    "400": Fault.status(400, {"code": 1, "message": "sentinel-gateway-body"}),
}


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


@pytest.mark.parametrize("fault", [*FAULTS.values(), None], ids=[*FAULTS, "revoked"])
def test_sdk_exceptions_through_our_transport_carry_no_secret(
    hard: SandboxGateway, fault: Fault | None
) -> None:
    """``str``/``repr``/``args`` of every exception the SDK raises through our transport
    (and of its causes) hold neither the credential nor the gateway's body."""
    org = hard.user(ALICE).organization_ids[0]
    key = hard.api_keys(org)[0]
    grant_client = client_for_token("placeholder")
    login = grant_client.login(ALICE, "alice-password")
    grant_client.set_access_token(login["token"])
    grant_client.http.organization_id = org
    token = grant_client.auth.exchange_access_token(org)["token"]
    if fault is None:
        hard.revoke(token)
        hard.revoke(key)
    else:
        hard.inject("*", fault)
    for client in (client_for_token(token, org), client_for_api_key(key)):
        with pytest.raises(Exception) as raised:
            client.platform.get_me()
        for exc in _chain(raised.value):
            text = f"{exc!s} {exc!r} {exc.args!r} {getattr(exc, 'body', '')!r}"
            assert token not in text
            assert key not in text
            assert "sentinel-gateway-body" not in f"{exc!s} {exc!r} {exc.args!r}"
    hard.clear_faults()


def test_error_reports_of_raised_outages_carry_no_secret(
    hard: SandboxGateway, settings: Any
) -> None:
    """With ``IMBRACE_RAISE_UNAVAILABLE`` the outage reaches Django's 500 handling: the
    report an ``AdminEmailHandler`` would send (DEBUG off) names no token or code."""
    settings.IMBRACE_RAISE_UNAVAILABLE = True
    reports: list[str] = []

    def report(sender: Any, request: Any, **kwargs: Any) -> None:
        reporter = ExceptionReporter(request, *sys.exc_info())
        reports.append(reporter.get_traceback_text() + reporter.get_traceback_html())

    got_request_exception.connect(report)
    try:
        signed = Client(raise_request_exception=False)
        password_login(signed, ALICE)
        hard.inject("me", Fault.status(503))
        assert signed.get("/r/me/").status_code == 500
        hard.clear_faults()
        picker = Client(raise_request_exception=False)
        password_login(picker, BOB)
        hard.inject("exchange", Fault.status(503))
        globex = next(o for o in hard.organizations if o.name == "Globex")
        assert picker.post(ORGANIZATION, {"organization": globex.id}).status_code == 500
        coder = Client(raise_request_exception=False)
        ask_code(coder, ALICE)
        hard.inject("authenticate", Fault.drop())
        assert enter_code(coder, hard.last_code(ALICE)).status_code == 500
    finally:
        got_request_exception.disconnect(report)
    assert len(reports) == 3
    secrets = secrets_seen(hard)
    for text in reports:
        assert_no_secret(text, secrets)
