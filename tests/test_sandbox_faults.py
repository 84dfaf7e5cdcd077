"""Injected faults, as the real ``imbrace`` SDK (or a plain HTTP client) sees them."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx
import pytest
from imbrace import ApiError, ImbraceClient, NetworkError

from django_imbrace.sandbox import Fault, SandboxGateway

Sdk = Callable[..., ImbraceClient]
OTP_PATH = "/platform/v1/login/_signin_email_request"


def _api_client(sandbox: SandboxGateway, sdk: Sdk) -> ImbraceClient:
    return sdk(api_key=sandbox.api_keys(sandbox.organizations[0].id)[0])


def test_delay_then_normal_answer(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = _api_client(sandbox, sdk)
    sandbox.inject("me", Fault.delay(0.3), times=1)
    started = time.monotonic()
    assert client.platform.get_me()["object_name"] == "user"
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    client.platform.get_me()
    assert time.monotonic() - started < 0.3


def test_delay_beyond_the_client_timeout(sandbox: SandboxGateway) -> None:
    sandbox.inject("health", Fault.delay(0.5))
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(sandbox.url + "/", timeout=0.1)


@pytest.mark.parametrize(
    ("code", "body"),
    [
        (429, {"message": "Too many requests"}),
        (500, {"code": 99999, "message": "Service unavailable, please try again later"}),
        (503, {"message": "Service unavailable"}),
    ],
)
def test_status_default_bodies(sandbox: SandboxGateway, code: int, body: dict[str, object]) -> None:
    sandbox.inject("otp_request", Fault.status(code))
    response = httpx.post(sandbox.url + OTP_PATH, json={"email": "alice@example.com"})
    assert (response.status_code, response.json()) == (code, body)
    assert response.headers["content-type"] == "application/json"
    assert sandbox.outbox == []  # the fault answered before the route ran


def test_status_on_a_login_post_is_an_api_error(sandbox: SandboxGateway, sdk: Sdk) -> None:
    sandbox.inject("authenticate", Fault.status(500))
    with pytest.raises(ApiError) as caught:
        sdk().login("alice@example.com", "alice-password")
    assert caught.value.status_code == 500
    assert sandbox.stats.requests["authenticate"] == 1  # POST is not retried on 500


def test_sdk_retries_a_429_then_succeeds(sandbox: SandboxGateway, sdk: Sdk) -> None:
    sandbox.inject("otp_request", Fault.status(429), times=1)
    sdk().request_otp("alice@example.com")  # sleeps 1 s inside the SDK
    assert sandbox.stats.requests["otp_request"] == 2
    assert len(sandbox.outbox) == 1


def test_custom_status_body_and_content_type(sandbox: SandboxGateway, sdk: Sdk) -> None:
    sandbox.inject("me", Fault.status(400, {"code": 7, "message": "custom"}))
    with pytest.raises(ApiError) as caught:
        _api_client(sandbox, sdk).platform.get_me()
    assert json.loads(str(caught.value).split("] ", 1)[1]) == {"code": 7, "message": "custom"}

    sandbox.clear_faults()
    sandbox.inject("health", Fault.status(418, "teapot", content_type="text/plain"))
    response = httpx.get(sandbox.url + "/")
    assert (response.status_code, response.text) == (418, "teapot")
    assert response.headers["content-type"] == "text/plain"


def test_html_error_page(sandbox: SandboxGateway, sdk: Sdk) -> None:
    sandbox.inject("authenticate", Fault.html())
    with pytest.raises(ApiError) as caught:
        sdk().login("alice@example.com", "alice-password")
    assert caught.value.status_code == 502
    assert "<html>" in str(caught.value)
    response = httpx.post(sandbox.url + "/platform/v1/login/authenticate", json={})
    assert response.headers["content-type"] == "text/html"


def test_malformed_json(sandbox: SandboxGateway, sdk: Sdk) -> None:
    sandbox.inject("boards", Fault.malformed())
    with pytest.raises(ValueError, match="Unterminated string"):
        _api_client(sandbox, sdk).boards.list()


def test_drop_closes_without_a_response(sandbox: SandboxGateway, sdk: Sdk) -> None:
    sandbox.inject("otp_request", Fault.drop(), times=1)
    with pytest.raises(NetworkError):
        sdk().request_otp("alice@example.com")
    sdk().request_otp("alice@example.com")  # the server is still fine
    assert len(sandbox.outbox) == 1


def test_times_and_star_and_clear(sandbox: SandboxGateway) -> None:
    sandbox.inject("*", Fault.status(503), times=2)
    assert httpx.get(sandbox.url + "/").status_code == 503
    assert httpx.get(sandbox.url + "/nowhere").status_code == 503
    assert httpx.get(sandbox.url + "/").status_code == 200

    sandbox.inject("health", Fault.status(500))
    assert [httpx.get(sandbox.url + "/").status_code for _ in range(3)] == [500, 500, 500]
    sandbox.clear_faults()
    assert httpx.get(sandbox.url + "/").status_code == 200


def test_faults_are_applied_oldest_first(sandbox: SandboxGateway) -> None:
    sandbox.inject("health", Fault.status(500), times=1)
    sandbox.inject("health", Fault.status(502), times=1)
    codes = [httpx.get(sandbox.url + "/").status_code for _ in range(3)]
    assert codes == [500, 502, 200]


def test_controls_are_never_faulted(sandbox: SandboxGateway) -> None:
    sandbox.inject("*", Fault.drop())
    assert httpx.get(sandbox.url + "/__sandbox__/stats").status_code == 200


def test_inject_validates(sandbox: SandboxGateway) -> None:
    with pytest.raises(ValueError, match="route must be"):
        sandbox.inject("nope", Fault.drop())
    with pytest.raises(ValueError, match="times"):
        sandbox.inject("me", Fault.drop(), times=0)
