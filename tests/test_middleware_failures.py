"""Gateway failures during a view: 503 (or raised), 429, time budget, attribution log."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from django_imbrace.errors import ImbraceUnavailable
from django_imbrace.sandbox import Fault, SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY
from tests.fixtures_request import SignedIn, closed_port_url

UNAVAILABLE_FAULTS = {
    "500": Fault.status(500),
    "502": Fault.status(502),
    "503": Fault.status(503),
    "html": Fault.html(),
    "malformed": Fault.malformed(),
    "dropped": Fault.drop(),
}


@pytest.mark.parametrize("fault", UNAVAILABLE_FAULTS.values(), ids=UNAVAILABLE_FAULTS.keys())
def test_unavailable_gateway_answers_503_and_keeps_the_user(
    alice: SignedIn, gateway: SandboxGateway, fault: Fault
) -> None:
    gateway.inject("boards", fault)
    response = alice.client.get("/r/boards/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert alice.token.encode() not in response.content
    assert b"nginx" not in response.content
    assert b"truncated" not in response.content
    assert ACCESS_SESSION_KEY in alice.client.session  # an outage never signs anyone out


@pytest.mark.parametrize("fault", UNAVAILABLE_FAULTS.values(), ids=UNAVAILABLE_FAULTS.keys())
def test_unavailable_gateway_answers_503_json_to_json_callers(
    alice: SignedIn, gateway: SandboxGateway, fault: Fault
) -> None:
    gateway.inject("me", fault)
    response = alice.client.get("/r/me/", headers={"accept": "application/json"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert response["Retry-After"] == "30"


def test_closed_port_answers_503(alice: SignedIn, settings: Any) -> None:
    settings.IMBRACE_GATEWAY = closed_port_url()
    started = time.monotonic()
    response = alice.client.get("/r/me/")
    assert response.status_code == 503
    assert time.monotonic() - started < settings.IMBRACE_TIMEOUT + 1.5


@pytest.mark.parametrize("fault", [Fault.status(503), Fault.malformed(), Fault.drop()])
def test_raise_unavailable_lets_the_exception_propagate(
    alice: SignedIn, gateway: SandboxGateway, settings: Any, fault: Fault
) -> None:
    settings.IMBRACE_RAISE_UNAVAILABLE = True
    gateway.inject("me", fault)
    with pytest.raises(ImbraceUnavailable) as raised:
        alice.client.get("/r/me/")
    assert alice.token not in repr(raised.value) + str(raised.value.__cause__)


def test_raise_unavailable_with_a_closed_port(alice: SignedIn, settings: Any) -> None:
    settings.IMBRACE_RAISE_UNAVAILABLE = True
    settings.IMBRACE_GATEWAY = closed_port_url()
    with pytest.raises(ImbraceUnavailable):
        alice.client.get("/r/me/")


def test_gateway_429_answers_too_many_attempts_at_once(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    gateway.inject("me", Fault.status(429))
    started = time.monotonic()
    response = alice.client.get("/r/me/")
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert time.monotonic() - started < 1.0  # none of the SDK's 1-2-4 s sleeps
    assert gateway.stats.requests["me"] == 1


# -- time budget ---------------------------------------------------------------


def test_slow_gateway_answers_503_within_the_budget(
    alice: SignedIn, gateway: SandboxGateway, settings: Any
) -> None:
    settings.IMBRACE_TIMEOUT = 1.0
    gateway.inject("me", Fault.delay(3.0))
    started = time.monotonic()
    response = alice.client.get("/r/me/")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert elapsed < settings.IMBRACE_TIMEOUT + 1.5


def test_post_is_never_retried(alice: SignedIn, gateway: SandboxGateway) -> None:
    gateway.inject("otp_request", Fault.status(503))
    response = alice.client.post("/r/send-code/")
    assert response.status_code == 503
    assert gateway.stats.requests["otp_request"] == 1


def test_post_is_not_retried_after_a_dropped_connection(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    gateway.inject("otp_request", Fault.drop())
    assert alice.client.post("/r/send-code/").status_code == 503
    assert gateway.stats.requests["otp_request"] <= 1


def test_get_is_retried_once_within_the_budget(alice: SignedIn, gateway: SandboxGateway) -> None:
    gateway.inject("me", Fault.status(503), times=1)
    response = alice.client.get("/r/me/")
    assert response.status_code == 200
    assert gateway.stats.requests["me"] == 2


# -- attribution ---------------------------------------------------------------


def call_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "django_imbrace" and r.getMessage().startswith("imbrace call")
    ]


def test_every_call_is_attributed_without_secrets(
    alice: SignedIn, gateway: SandboxGateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="django_imbrace")
    alice.client.get("/r/me/")
    alice.client.get("/r/boards/")
    lines = call_lines(caplog)
    assert len(lines) == 2
    assert lines[0].startswith(f"imbrace call user={alice.user.pk} mode=build GET ")
    assert "/platform/v1/users/_me -> 200 in " in lines[0]
    assert lines[0].endswith(" ms")
    assert "/data-board/boards -> 200 in " in lines[1]
    assert alice.token not in caplog.text


def test_failed_calls_are_attributed_too(
    alice: SignedIn, gateway: SandboxGateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="django_imbrace")
    gateway.revoke(alice.token)
    alice.client.get("/r/me/")
    [line] = call_lines(caplog)
    assert f"user={alice.user.pk} mode=build GET /platform/v1/users/_me -> 401 in" in line
    assert alice.token not in caplog.text


def test_log_calls_off_silences_the_attribution_log(
    alice: SignedIn, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.IMBRACE_LOG_CALLS = False
    caplog.set_level(logging.INFO, logger="django_imbrace")
    assert alice.client.get("/r/me/").status_code == 200
    assert call_lines(caplog) == []
