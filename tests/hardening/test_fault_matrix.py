"""Every gateway call the app makes x every fault the sandbox injects, in one table.

For each cell: the status and message the user gets (503 "could not reach Imbrace", or
429 "too many attempts"), at once (within the 0.5 s budget, never the SDK's sleeps);
nothing stored (no grant, no half-signed-in user); no attempt counted for an outage;
no secret or gateway text echoed; never a 500 (the test client re-raises any).

Decision for 429: a gateway 429 never counts as a failed sign-in; a *code request* the
gateway throttled still counts as a code request (the request was made; counting it
keeps our limiter in step with the gateway's), as does its 40010 "over limit" answer.

"Refused" (a closed port) is only meaningful for a call that starts a request of ours:
asking for a code, resending it, entering it, a password, the organization picker, and a
view's ``request.imbrace`` call. The exchange and profile calls that follow a good code in
the same request are covered by "dropped" (the server hangs up) instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from django_imbrace import ratelimit
from django_imbrace.sandbox import Fault, SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY
from tests.fixtures_request import closed_port_url
from tests.fixtures_signin import (
    ALICE,
    BOB,
    CODE,
    ORGANIZATION,
    RESEND,
    ask_code,
    enter_code,
    password_login,
)

from .conftest import (
    GATEWAY_TEXT,
    TIMEOUT,
    assert_no_secret,
    assert_nothing_stored,
    counters,
    flow_of,
    secrets_seen,
    session_of,
)

DELAY = TIMEOUT + 0.3
REFUSED = "refused"

FAULTS: dict[str, Fault | str] = {
    "slow": Fault.delay(DELAY),
    "refused": REFUSED,
    "dropped": Fault.drop(),
    "500": Fault.status(500),
    "502-html": Fault.html(502),
    "malformed": Fault.malformed(),
    "429": Fault.status(429),
    "503": Fault.status(503),
}


@dataclass(frozen=True)
class Call:
    """One gateway call of ours: how to get there, the request that makes it, and what
    the user should be left with after an outage."""

    route: str
    setup: Callable[[Client, SandboxGateway], None]
    act: Callable[[Client, SandboxGateway], Any]
    first: bool  # the first gateway call of the request: "refused" is meaningful
    flow_kept: bool  # after an outage the pending sign-in is still there (retry at once)
    signed_in_before: bool = False
    is_get: bool = False  # GETs get one retry within the budget
    email: str = ALICE


def _nothing(client: Client, sandbox: SandboxGateway) -> None:
    pass


def _code_asked(client: Client, sandbox: SandboxGateway) -> None:
    assert ask_code(client, ALICE).status_code == 302


def _resend_due(client: Client, sandbox: SandboxGateway) -> None:
    _code_asked(client, sandbox)
    ratelimit.clock.advance(61)  # past the resend cooldown


def _picker_shown(client: Client, sandbox: SandboxGateway) -> None:
    assert password_login(client, BOB)["Location"] == ORGANIZATION


def _signed_in(client: Client, sandbox: SandboxGateway) -> None:
    assert password_login(client, ALICE).status_code == 302


def _enter_right_code(client: Client, sandbox: SandboxGateway) -> Any:
    return enter_code(client, sandbox.last_code(ALICE))


def _pick_globex(client: Client, sandbox: SandboxGateway) -> Any:
    globex = next(o for o in sandbox.organizations if o.name == "Globex")
    return client.post(ORGANIZATION, {"organization": globex.id})


CALLS: dict[str, Call] = {
    "otp-request": Call("otp_request", _nothing, lambda c, s: ask_code(c, ALICE), True, False),
    "otp-resend": Call("otp_request", _resend_due, lambda c, s: c.post(RESEND), True, True),
    "authenticate-code": Call("authenticate", _code_asked, _enter_right_code, True, True),
    "authenticate-password": Call(
        "authenticate", _nothing, lambda c, s: password_login(c, ALICE), True, False
    ),
    "exchange": Call("exchange", _code_asked, _enter_right_code, False, False),
    "exchange-picker": Call("exchange", _picker_shown, _pick_globex, True, False, email=BOB),
    "profile": Call("me", _code_asked, _enter_right_code, False, False, is_get=True),
    "view": Call("boards", _signed_in, lambda c, s: c.get("/r/boards/"), True, False, True, True),
}

CELLS = [
    pytest.param(call, fault, id=f"{call_name}-{fault_name}")
    for call_name, call in CALLS.items()
    for fault_name, fault in FAULTS.items()
    if fault != REFUSED or call.first
]


@pytest.mark.parametrize(("call", "fault"), CELLS)
def test_fault_matrix(hard: SandboxGateway, settings: Any, call: Call, fault: Fault | str) -> None:
    sandbox = hard
    browser = Client()
    call.setup(browser, sandbox)
    before_session = session_of(browser)
    before_counts = counters(call.email)
    sandbox.reset_stats()
    if fault == REFUSED:
        settings.IMBRACE_GATEWAY = closed_port_url()
    else:
        assert isinstance(fault, Fault)
        sandbox.inject(call.route, fault)
    started = time.monotonic()
    response = call.act(browser, sandbox)
    elapsed = time.monotonic() - started

    assert response.status_code != 500
    assert elapsed < TIMEOUT + 1.0  # bounded: no SDK sleeps, no retry past the budget
    limited = isinstance(fault, Fault) and fault.code == 429
    if limited:
        assert response.status_code == 429
        assert b"Too many attempts" in response.content
        assert call.signed_in_before or response["Retry-After"]
    else:
        assert response.status_code == 503
        assert b"We could not reach Imbrace just now." in response.content
        assert response["Retry-After"]
    calls = sandbox.stats.requests[call.route]
    assert calls <= (2 if call.is_get and not limited else 1)  # a POST is never retried

    after_counts = counters(call.email)
    expected = dict(before_counts)
    if limited and call.route == "otp_request":
        for rule in ("request_code:ip", "request_code:key"):
            expected[rule] += 1
    assert after_counts == expected

    if call.signed_in_before:  # an outage never signs anyone out, nor changes the grant
        assert session_of(browser)[ACCESS_SESSION_KEY] == before_session[ACCESS_SESSION_KEY]
        assert session_of(browser)["_auth_user_id"] == before_session["_auth_user_id"]
    else:
        assert_nothing_stored(browser)
        pending = flow_of(browser)
        if call.flow_kept and not limited:
            assert pending is not None
            assert pending["attempts"] == 0
            assert browser.get(CODE).status_code == 200
        elif not call.flow_kept:
            assert pending is None or pending["stage"] == "code"
            assert pending is None or not pending.get("login_token")
        if not limited and response.context is not None and "form" in response.context:
            assert call.email.encode() in response.content  # the typed e-mail is kept

    assert_no_secret(response.content, secrets_seen(sandbox))
    for text in GATEWAY_TEXT:
        assert text not in response.content
    if isinstance(fault, Fault) and fault.kind == "delay":
        time.sleep(max(0.0, DELAY + 0.1 - elapsed))  # let the late answer land in this test
