"""Every error of the gateway contract, as the real ``imbrace`` SDK raises it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from imbrace import ApiError, AuthError, ImbraceClient

from django_imbrace.sandbox import SandboxGateway

Sdk = Callable[..., ImbraceClient]
UNAUTHORIZED = {"message": "Unauthorized"}


def _body(exc: ApiError) -> Any:
    return json.loads(str(exc).split("] ", 1)[1])


def _org_id(gw: SandboxGateway, name: str) -> str:
    return next(o.id for o in gw.organizations if o.name == name)


def _logged_in(
    sandbox: SandboxGateway, sdk: Sdk, email: str = "alice@example.com"
) -> ImbraceClient:
    client = sdk()
    client.login(email, email.split("@")[0] + "-password")
    client.select_organization(_org_id(sandbox, "Acme Corp"))
    return client


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"code": 1, "field": "email", "message": "email is required"}),
        ({"email": ""}, {"code": 1, "field": "email", "message": "email is required"}),
        (
            {"email": "not-an-email"},
            {"code": 3, "field": "email", "message": "email must be in email format"},
        ),
        ({"email": 42}, {"code": 3, "field": "email", "message": "email must be in email format"}),
        (
            {"email": "alice@example.com"},
            {"code": 1, "field": "password", "message": "password is required"},
        ),
        (
            {"email": "nobody@example.com", "password": "x"},
            {"code": 40004, "field": "email", "message": "email not sign up."},
        ),
        (
            {"email": "alice@example.com", "password": "wrong"},
            {
                "code": 40005,
                "field": "password",
                "message": "incorrect password. or email unverified",
            },
        ),
        (
            {"email": "alice@example.com", "otp": "ZZZZZZ"},
            {"code": 40000, "message": "Invalid OTP"},
        ),
    ],
)
def test_authenticate_errors(sdk: Sdk, body: dict[str, Any], expected: dict[str, Any]) -> None:
    client = sdk()
    with pytest.raises(ApiError) as caught:
        client.auth._http.request("POST", f"{client.auth._v1}/login/authenticate", json=body)
    assert caught.value.status_code == 400
    assert _body(caught.value) == expected


def test_unverified_user_cannot_log_in(sandbox: SandboxGateway, sdk: Sdk) -> None:
    sandbox.add_user("new@example.com", "pw", verified=False)
    with pytest.raises(ApiError) as caught:
        sdk().login("new@example.com", "pw")
    assert _body(caught.value)["code"] == 40005


def test_otp_request_validation(sdk: Sdk) -> None:
    client = sdk()
    with pytest.raises(ApiError) as caught:
        client.request_otp("bad")
    assert (caught.value.status_code, _body(caught.value)["code"]) == (400, 3)


def test_unknown_email_gets_a_code_like_a_known_one(sandbox: SandboxGateway, sdk: Sdk) -> None:
    answers = [
        httpx.post(f"{sandbox.url}/platform/v1/login/_signin_email_request", json={"email": email})
        for email in ("alice@example.com", "nobody@example.com")
    ]
    assert [(a.status_code, a.content) for a in answers] == [(201, b"{}"), (201, b"{}")]
    assert [m.email for m in sandbox.outbox] == ["alice@example.com", "nobody@example.com"]


def test_same_code_is_resent_while_valid_then_expires(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = sdk()
    client.request_otp("alice@example.com")
    first = sandbox.last_code("alice@example.com")
    client.request_otp("alice@example.com")
    assert [m.code for m in sandbox.outbox] == [first, first]

    sandbox.advance(15 * 60 + 1)
    with pytest.raises(ApiError) as caught:
        client.login_with_otp("alice@example.com", first)
    assert _body(caught.value) == {"code": 40000, "message": "Expired OTP"}

    client.request_otp("alice@example.com")
    fresh = sandbox.last_code("alice@example.com")
    assert fresh != first
    client.login_with_otp("alice@example.com", fresh)
    with pytest.raises(ApiError) as reused:  # single use
        sdk().login_with_otp("alice@example.com", fresh)
    assert _body(reused.value) == {"code": 40000, "message": "Invalid OTP"}


def test_otp_over_limit(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = sdk()
    for _ in range(10):
        client.request_otp("bob@example.com")
    with pytest.raises(ApiError) as caught:
        client.request_otp("bob@example.com")
    assert caught.value.status_code == 400
    assert _body(caught.value) == {
        "code": 40010,
        "message": "Generate otp over limit, please try again after 3 hours",
    }
    assert len(sandbox.outbox) == 10
    sandbox.advance(3 * 3600 + 1)
    client.request_otp("bob@example.com")


def test_last_code_raises_lookup_error(sandbox: SandboxGateway) -> None:
    with pytest.raises(LookupError):
        sandbox.last_code("alice@example.com")


def test_login_token_is_single_use(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = sdk()
    login = client.login("alice@example.com", "alice-password")
    acme = _org_id(sandbox, "Acme Corp")
    client.select_organization(acme)
    again = sdk(access_token=login["token"])
    with pytest.raises(AuthError) as caught:
        again.select_organization(acme)
    assert caught.value.status_code == 401
    assert json.loads(caught.value.body) == {"code": 40001, "message": "Unauthorized"}


def test_expired_login_token(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = sdk()
    client.login("alice@example.com", "alice-password")
    sandbox.advance(3 * 3600 + 1)
    with pytest.raises(AuthError) as caught:
        client.select_organization(_org_id(sandbox, "Acme Corp"))
    assert json.loads(caught.value.body) == {"code": 40001, "message": "Token expired"}


def test_exchange_for_an_organization_the_user_is_not_in(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = sdk()
    client.login("alice@example.com", "alice-password")
    with pytest.raises(ApiError) as caught:
        client.select_organization(_org_id(sandbox, "Globex"))
    assert _body(caught.value) == {
        "code": 40004,
        "field": "organization_id",
        "message": "User not found in this organization",
    }
    with pytest.raises(ApiError) as missing:
        client.select_organization("")
    assert _body(missing.value)["code"] == 1
    client.select_organization(_org_id(sandbox, "Acme Corp"))  # the token survived the failures


def test_deactivated_user_cannot_choose_an_organization(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = sdk()
    client.login("carol@example.com", "carol-password")
    with pytest.raises(ApiError) as caught:
        client.select_organization(_org_id(sandbox, "Acme Corp"))
    assert _body(caught.value) == {
        "code": 40000,
        "field": "email",
        "message": "User is deactivated",
    }


@pytest.mark.parametrize("token", ["acc_unknown", "login_acc"])
def test_unknown_and_login_tokens_are_rejected_on_protected_routes(
    sandbox: SandboxGateway, sdk: Sdk, token: str
) -> None:
    if token == "login_acc":
        token = sdk().login("alice@example.com", "alice-password")["token"]
    with pytest.raises(AuthError) as caught:
        sdk(access_token=token).platform.get_me()
    assert caught.value.status_code == 401
    assert json.loads(caught.value.body) == UNAUTHORIZED


def test_expired_access_token(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = _logged_in(sandbox, sdk)
    client.platform.get_me()
    sandbox.advance(30 * 86400 + 1)
    with pytest.raises(AuthError) as caught:
        client.boards.list()
    assert json.loads(caught.value.body) == UNAUTHORIZED


def test_revoked_access_token_and_api_key(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = _logged_in(sandbox, sdk)
    sandbox.revoke(client.token_manager.get_token())
    with pytest.raises(AuthError):
        client.platform.get_me()

    acme = _org_id(sandbox, "Acme Corp")
    [key] = sandbox.api_keys(acme)
    sandbox.revoke(key)
    assert sandbox.api_keys(acme) == []
    with pytest.raises(AuthError) as caught:
        sdk(api_key=key).boards.list()
    assert json.loads(caught.value.body)["message"] == "Invalid API key"


def test_invalid_api_key(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = _logged_in(sandbox, sdk)
    token = client.token_manager.get_token()
    response = httpx.get(
        f"{sandbox.url}/platform/v1/users/_me",
        headers={"x-api-key": "api_nope", "x-access-token": token},  # the key wins
    )
    assert response.status_code == 401
    body = response.json()
    assert (body["error"], body["message"]) == ("Unauthorized", "Invalid API key")
    assert len(body["request_id"]) == 36


def test_no_credentials(sandbox: SandboxGateway, sdk: Sdk) -> None:
    with pytest.raises(AuthError) as caught:
        sdk().boards.list()
    assert json.loads(caught.value.body) == {
        "message": "Unauthorized - API key or Access Token required"
    }


def test_bearer_token_and_organization_header_is_ignored(sandbox: SandboxGateway, sdk: Sdk) -> None:
    token = _logged_in(sandbox, sdk).token_manager.get_token()
    globex = _org_id(sandbox, "Globex")
    response = httpx.get(
        f"{sandbox.url}/platform/v1/users/_me",
        headers={"authorization": f"Bearer {token}", "x-organization-id": globex},
    )
    assert response.json()["organization_id"] == _org_id(sandbox, "Acme Corp")
    [*_, used] = sandbox.stats.credentials
    assert (used.kind, used.value, used.organization_header) == (
        "bearer",
        f"Bearer {token}",
        globex,
    )


def test_board_of_another_organization_is_not_found(sandbox: SandboxGateway, sdk: Sdk) -> None:
    globex_board = sandbox.add_board(_org_id(sandbox, "Globex"), "Secret")
    client = _logged_in(sandbox, sdk)
    for path in (
        f"boards/{globex_board['id']}",
        f"boards/{globex_board['id']}/items",
        "boards/nope",
    ):
        with pytest.raises(ApiError) as caught:
            client.http.request("GET", f"{sandbox.url}/data-board/{path}")
        assert caught.value.status_code == 404


def test_unknown_route_and_bad_json(sandbox: SandboxGateway) -> None:
    missing = httpx.get(f"{sandbox.url}/nothing/here")
    assert (missing.status_code, missing.json()) == (404, {"message": "Not found"})
    assert missing.headers["content-type"].startswith("application/json")
    bad = httpx.post(
        f"{sandbox.url}/platform/v1/login/authenticate",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert bad.status_code == 400
    assert bad.json()["message"] == "Invalid JSON body"
    not_object = httpx.post(f"{sandbox.url}/platform/v1/login/authenticate", json=[1])
    assert not_object.status_code == 400
    assert sandbox.stats.requests["not_found"] == 1
    bad_limit = httpx.get(
        f"{sandbox.url}/data-board/boards?limit=x",
        headers={"x-api-key": sandbox.api_keys(sandbox.organizations[0].id)[0]},
    )
    assert bad_limit.status_code == 400
