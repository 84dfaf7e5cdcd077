"""Password sign-in, input validation and the organization setting over the JSON API."""

from __future__ import annotations

from typing import Any

import pytest

from django_imbrace.sandbox import SandboxGateway
from tests.fixtures_api import Api
from tests.fixtures_signin import ALICE, BOB, CAROL, PASSWORDS, requests, stored_grant

GENERIC = "The e-mail address or password is incorrect."


def _password(api: Api, email: str, password: str | None = None, **extra: Any) -> Any:
    secret = PASSWORDS.get(email, "x") if password is None else password
    return api.post("password", {"email": email, "password": secret, **extra})


def test_password_sign_in(api: Api, gateway_settings: SandboxGateway) -> None:
    answer = _password(api, ALICE, next="/boards/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["stage"] == "done"
    assert body["next"] == "/boards/"
    assert body["me"]["user"]["email"] == ALICE
    assert requests(gateway_settings) == {"authenticate": 1, "exchange": 1, "me": 1}
    assert stored_grant(api.client) is not None
    assert PASSWORDS[ALICE].encode() not in answer.content


def test_password_then_organization(api: Api, gateway_settings: SandboxGateway) -> None:
    body = _password(api, BOB).json()
    assert body["stage"] == "organization"
    assert body["method"] == "password"
    acme = next(o["id"] for o in body["organizations"] if o["name"] == "Acme Corp")
    done = api.post("organization", {"organization": acme})
    assert done.json()["stage"] == "done"
    assert done.json()["me"]["imbrace"]["organization_id"] == acme


def test_wrong_password_and_unknown_email_look_alike(
    api: Api, gateway_settings: SandboxGateway
) -> None:
    wrong = _password(api, ALICE, "nope")
    unknown = _password(api, "nobody@example.com", "nope")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"] == {"code": "invalid_credentials", "message": GENERIC}
    assert wrong.json()["signin"] == {"stage": "none"}
    assert api.get("me").status_code == 401


def test_deactivated_account(api: Api, gateway_settings: SandboxGateway) -> None:
    answer = _password(api, CAROL)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "deactivated"
    assert stored_grant(api.client) is None


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"email", "password"}),
        ({"email": ALICE}, {"password"}),
        ({"email": ALICE, "password": ""}, {"password"}),
        ({"email": "not-an-address", "password": "x"}, {"email"}),
        ({"email": "a" * 250 + "@example.com", "password": "x"}, {"email"}),
        ({"email": "al\x00ice@example.com", "password": "x"}, {"email"}),
        ({"email": "m\u0131ke@example.com", "password": "x"}, {"email"}),
        ({"email": ["alice@example.com"], "password": 1}, {"email", "password"}),
        ({"email": ALICE, "password": "x" * 1025}, {"password"}),
    ],
)
def test_invalid_input_sends_nothing(
    api: Api, gateway_settings: SandboxGateway, body: dict[str, Any], fields: set[str]
) -> None:
    answer = api.post("password", body)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid"
    assert set(answer.json()["error"]["fields"]) == fields
    assert requests(gateway_settings) == {}


@pytest.mark.parametrize("raw", [b"{", b"[]", b'"alice"', b"null", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object(
    api: Api, gateway_settings: SandboxGateway, raw: bytes
) -> None:
    answer = api.post("request-code", raw=raw)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_json"
    assert requests(gateway_settings) == {}


def test_email_validation_on_request_code(api: Api, gateway_settings: SandboxGateway) -> None:
    answer = api.post("request-code", {"email": "alice@example.com\nbcc:x@example.com"})
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["email"]
    assert requests(gateway_settings) == {}


def test_organization_setting_signs_in_there(
    api: Api, gateway_settings: SandboxGateway, settings: Any
) -> None:
    globex = next(o.id for o in gateway_settings.organizations if o.name == "Globex")
    settings.IMBRACE_ORGANIZATION_ID = globex
    done = _password(api, BOB)
    assert done.json()["stage"] == "done"
    assert done.json()["me"]["imbrace"]["organization_id"] == globex


def test_organization_setting_refuses_outsiders(
    api: Api, gateway_settings: SandboxGateway, settings: Any
) -> None:
    globex = next(o.id for o in gateway_settings.organizations if o.name == "Globex")
    settings.IMBRACE_ORGANIZATION_ID = globex
    assert globex not in gateway_settings.user(ALICE).organization_ids
    answer = _password(api, ALICE)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "not_a_member"
    assert answer.json()["signin"] == {"stage": "none"}
    assert stored_grant(api.client) is None
