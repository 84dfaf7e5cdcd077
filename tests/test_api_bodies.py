"""Odd request bodies: every POST answers the API's JSON error, never a 500 or an HTML page."""

from __future__ import annotations

from typing import Any

import pytest

from django_imbrace.api import urls as api_urls
from django_imbrace.sandbox import SandboxGateway
from tests.fixtures_api import Api, check_response, url
from tests.fixtures_signin import ALICE, requests

GETS = ["csrf", "signin", "me", "openapi"]
POSTS = [str(p.name) for p in api_urls.urlpatterns if p.name not in GETS]


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("raw", [b"[" * 100_000, b'{"a":' * 50_000], ids=["list", "object"])
def test_deeply_nested_json_is_invalid_json(
    api: Api, gateway_settings: SandboxGateway, name: str, raw: bytes
) -> None:
    answer = api.post(name, raw=raw)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_json"
    assert requests(gateway_settings) == {}


@pytest.mark.parametrize("name", POSTS)
def test_a_form_post_with_the_csrf_header_is_invalid_json(
    api: Api, gateway_settings: SandboxGateway, name: str
) -> None:
    path = url(name)
    token = api.csrf_token()
    for data in ({"email": ALICE}, {"email": ALICE, "file": ("x.txt", b"x")}):
        answer = api.client.post(path, data=data, headers={"X-CSRFToken": token})
        check_response("POST", path, answer)
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "invalid_json"
    urlencoded = api.client.post(
        path,
        data=f"email={ALICE}",
        content_type="application/x-www-form-urlencoded",
        headers={"X-CSRFToken": token},
    )
    check_response("POST", path, urlencoded)
    assert urlencoded.status_code == 400
    assert requests(gateway_settings) == {}


@pytest.mark.parametrize("name", POSTS)
def test_a_form_post_without_the_csrf_header_is_still_refused(
    api: Api, gateway_settings: SandboxGateway, name: str
) -> None:
    path = url(name)
    api.get("csrf")
    answer = api.client.post(path, data={"email": ALICE})
    check_response("POST", path, answer)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "csrf_failed"


@pytest.mark.parametrize("name", POSTS)
def test_a_body_over_the_upload_limit_is_413(
    api: Api, gateway_settings: SandboxGateway, settings: Any, name: str
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"email": ALICE, "padding": "x" * 2000}
    answer = api.post(name, body)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large"
    small = api.post(name, {"email": ALICE, "padding": "x" * 10})
    assert small.status_code != 413
    assert requests(gateway_settings) in ({}, {"otp_request": 1})


def test_a_form_post_over_the_upload_limit_is_413(
    api: Api, gateway_settings: SandboxGateway, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    path = url("request-code")
    answer = api.client.post(
        path,
        data=f"email={ALICE}&padding={'x' * 2000}",
        content_type="application/x-www-form-urlencoded",
        headers={"X-CSRFToken": api.csrf_token()},
    )
    check_response("POST", path, answer)
    assert answer.status_code == 413
    assert requests(gateway_settings) == {}


@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"null", b"{"])
def test_signout_with_a_body_that_is_not_an_object(
    api: Api, gateway_settings: SandboxGateway, raw: bytes
) -> None:
    answer = api.post("signout", raw=raw)  # checked against the document
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_json"
