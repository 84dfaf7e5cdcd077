"""The API's error answers: CSRF, methods, outages, rate limits, who am I, sign-out."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from django_imbrace import ratelimit
from django_imbrace.api import urls as api_urls
from django_imbrace.sandbox import Fault, SandboxGateway
from django_imbrace.testing import sign_in
from tests.fixtures_api import Api, sign_in_with_code, url
from tests.fixtures_signin import ALICE, BOB, OUTAGES, PASSWORD, pending, requests, stored_grant

GETS = ["csrf", "signin", "me", "openapi"]
POSTS = [str(p.name) for p in api_urls.urlpatterns if p.name not in GETS]


@pytest.mark.parametrize("name", POSTS)
def test_every_post_needs_the_csrf_token(
    api: Api, gateway_settings: SandboxGateway, name: str
) -> None:
    api.get("csrf")
    answer = api.post(name, {"email": ALICE, "password": "alice-password"}, csrf=False)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "csrf_failed"
    assert requests(gateway_settings) == {}


def test_a_wrong_csrf_token_is_refused(api: Api, gateway_settings: SandboxGateway) -> None:
    api.get("csrf")
    response = api.client.post(
        url("request-code"),
        data={"email": ALICE},
        content_type="application/json",
        headers={"X-CSRFToken": "x" * 32},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_the_signed_in_session_needs_the_token_too(
    api: Api, gateway_settings: SandboxGateway
) -> None:
    sign_in(api.client, gateway_settings, ALICE)
    assert api.post("signout", csrf=False).status_code == 403
    assert api.get("me").status_code == 200
    assert api.post("signout").status_code == 204


@pytest.mark.parametrize("name", POSTS)
def test_get_on_a_post_endpoint(api: Api, name: str) -> None:
    answer = api.request("GET", name)
    assert answer.status_code == 405
    assert answer["Allow"] == "POST"


@pytest.mark.parametrize("name", GETS)
def test_post_on_a_get_endpoint(api: Api, name: str) -> None:
    for method in ("POST", "PUT", "DELETE"):
        answer = api.request(method, name)
        assert answer.status_code == 405
        assert answer["Allow"] == "GET"


def _assert_unavailable(answer: Any, started: float) -> None:
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "unavailable"
    assert int(answer["Retry-After"]) > 0
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("fault", OUTAGES.values(), ids=OUTAGES.keys())
def test_outage_asking_for_a_code(
    api: Api, gateway_settings: SandboxGateway, strict: None, fault: Fault
) -> None:
    gateway_settings.inject("otp_request", fault)
    started = time.monotonic()
    _assert_unavailable(api.post("request-code", {"email": ALICE}), started)
    assert pending(api.client) is None
    gateway_settings.clear_faults()
    assert api.post("request-code", {"email": ALICE}).status_code == 200  # not counted


@pytest.mark.parametrize("fault", OUTAGES.values(), ids=OUTAGES.keys())
def test_outage_verifying_the_code(
    api: Api, gateway_settings: SandboxGateway, strict: None, fault: Fault
) -> None:
    api.post("request-code", {"email": ALICE})
    gateway_settings.inject("authenticate", fault)
    started = time.monotonic()
    answer = api.post("verify-code", {"code": gateway_settings.last_code(ALICE)})
    _assert_unavailable(answer, started)
    assert answer.json()["signin"]["attempts_left"] == 3
    gateway_settings.clear_faults()
    done = api.post("verify-code", {"code": gateway_settings.last_code(ALICE)})
    assert done.json()["stage"] == "done"


@pytest.mark.parametrize("route", ["authenticate", "exchange", "me"])
def test_outage_in_password_sign_in(
    api: Api, gateway_settings: SandboxGateway, strict: None, route: str
) -> None:
    gateway_settings.inject(route, Fault.status(503))
    answer = api.post("password", {"email": ALICE, "password": "alice-password"})
    _assert_unavailable(answer, time.monotonic())
    assert stored_grant(api.client) is None
    assert api.get("me").status_code == 401


def test_outage_choosing_the_organization(
    api: Api, gateway_settings: SandboxGateway, strict: None
) -> None:
    body = sign_in_with_code(api, gateway_settings, BOB).json()
    gateway_settings.inject("exchange", Fault.status(500))
    answer = api.post("organization", {"organization": body["organizations"][0]["id"]})
    assert answer.status_code == 503
    assert answer.json()["signin"] == {"stage": "none"}  # the login token is single-use


def test_outage_resending(api: Api, gateway_settings: SandboxGateway, strict: None) -> None:
    api.post("request-code", {"email": ALICE})
    gateway_settings.inject("otp_request", Fault.status(503))
    ratelimit.clock.advance(60)
    answer = api.post("resend-code")
    assert answer.status_code == 503
    assert answer.json()["signin"]["resends_left"] == 2


def test_gateway_429_answers_at_once(api: Api, gateway_settings: SandboxGateway) -> None:
    gateway_settings.inject("authenticate", Fault.status(429))
    started = time.monotonic()
    answer = api.post("password", {"email": ALICE, "password": "alice-password"})
    assert answer.status_code == 429
    assert answer.json()["error"]["code"] == "rate_limited"
    assert int(answer["Retry-After"]) > 0
    assert time.monotonic() - started < 1.5


def test_code_requests_are_limited_per_email(api: Api, gateway_settings: SandboxGateway) -> None:
    for _ in range(3):
        assert api.post("request-code", {"email": ALICE}).status_code == 200
    answer = api.post("request-code", {"email": "ALICE@example.com"})
    assert answer.status_code == 429
    assert 0 < int(answer["Retry-After"]) <= 61
    assert requests(gateway_settings)["otp_request"] == 3


def test_failed_passwords_are_limited_and_shared_with_the_pages(
    api: Api, gateway_settings: SandboxGateway
) -> None:
    page = Client()
    for _ in range(4):
        page.post(PASSWORD, {"email": ALICE, "password": "nope"})
    assert api.post("password", {"email": ALICE, "password": "nope"}).status_code == 400
    answer = api.post("password", {"email": ALICE, "password": "alice-password"})
    assert answer.status_code == 429
    assert answer.json()["error"]["code"] == "rate_limited"
    assert requests(gateway_settings) == {"authenticate": 5}
    assert stored_grant(api.client) is None


def test_wrong_codes_hit_the_same_limit(api: Api, gateway_settings: SandboxGateway) -> None:
    for _ in range(5):
        Client().post(PASSWORD, {"email": ALICE, "password": "nope"})
    api.post("request-code", {"email": ALICE})
    answer = api.post("verify-code", {"code": gateway_settings.last_code(ALICE)})
    assert answer.status_code == 429
    assert answer.json()["signin"]["stage"] == "code"


def test_who_am_i_when_nobody_is_signed_in(api: Api) -> None:
    answer = api.get("me")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "login_required"


def test_who_am_i_without_imbrace_access(api: Api, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("local", "local@example.com", "pw")
    api.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    body = api.get("me").json()
    assert body["user"] == {"id": str(user.pk), "username": "local", "email": "local@example.com"}
    assert body["imbrace"] == {
        "active": False,
        "organization_id": None,
        "user_id": None,
        "expires_at": None,
    }


def test_sign_out(api: Api, gateway_settings: SandboxGateway) -> None:
    sign_in_with_code(api, gateway_settings, ALICE)
    old = api.client.cookies["sessionid"].value
    assert api.post("signout").status_code == 204
    assert stored_grant(api.client) is None
    assert api.get("me").status_code == 401
    replay = Api()
    replay.client.cookies["sessionid"] = old
    assert replay.get("me").status_code == 401
    assert api.post("signout").status_code == 204  # nobody signed in: still fine


def test_resend_refused_by_the_gateway(api: Api, gateway_settings: SandboxGateway) -> None:
    api.post("request-code", {"email": ALICE})
    ratelimit.clock.advance(60)
    gateway_settings.inject("otp_request", Fault.status(400, {"code": 40000, "message": "No"}))
    answer = api.post("resend-code")
    assert answer.status_code == 400
    assert answer.json()["signin"]["resends_left"] == 2


def test_gateway_429_while_choosing_the_organization(
    api: Api, gateway_settings: SandboxGateway
) -> None:
    body = sign_in_with_code(api, gateway_settings, BOB).json()
    gateway_settings.inject("exchange", Fault.status(429))
    answer = api.post("organization", {"organization": body["organizations"][0]["id"]})
    assert answer.status_code == 429
    assert answer["Retry-After"] == "60"
    assert answer.json()["signin"] == {"stage": "none"}
    assert stored_grant(api.client) is None


def test_messages_follow_the_request_language(api: Api, gateway_settings: SandboxGateway) -> None:
    answer = api.get("me", **{"Accept-Language": "vi"})
    assert answer.json()["error"] == {"code": "login_required", "message": "Bạn chưa đăng nhập."}
    refused = api.client.post(
        url("password"),
        data={"email": "x"},
        content_type="application/json",
        headers={"X-CSRFToken": api.csrf_token(), "Accept-Language": "vi"},
    )
    assert refused.json()["error"]["message"] == "Vui lòng sửa các trường được nêu."
