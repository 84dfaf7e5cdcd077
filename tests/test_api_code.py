"""The code sign-in over the JSON API, against the sandbox (every answer checked against
the OpenAPI document by the ``api`` fixture)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from django_imbrace import ratelimit
from django_imbrace.sandbox import SandboxGateway
from tests.fixtures_api import Api, sign_in_with_code
from tests.fixtures_signin import ALICE, BOB, CODE, pending, requests, stored_grant


def _secrets(sandbox: SandboxGateway, *bodies: bytes) -> None:
    for body in bodies:
        assert b"acc_" not in body
        assert b"login_acc" not in body
        assert b'token"' not in body.replace(b"csrf_token", b"")


def test_csrf_endpoint_sets_the_cookie(api: Api) -> None:
    response = api.get("csrf")
    assert response.status_code == 200
    assert response.json()["csrf_token"]
    assert api.client.cookies["csrftoken"].value
    assert response["Cache-Control"].startswith("max-age=0")


def test_nothing_pending_at_first(api: Api) -> None:
    assert api.get("signin").json() == {"stage": "none"}


def test_code_sign_in(api: Api, gateway_settings: SandboxGateway) -> None:
    sandbox = gateway_settings
    asked = api.post("request-code", {"email": " Alice@Example.com "})
    body = asked.json()
    assert body["stage"] == "code"
    assert body["email"] == ALICE
    assert body["attempts_left"] == 3
    assert body["resends_left"] == 2
    assert 59 <= body["resend_in"] <= 60
    assert 899 <= body["expires_in"] <= 900
    assert api.get("signin").json()["flow"] == body["flow"]
    code = sandbox.last_code(ALICE)
    messy = f" {code[:3].lower()}-{code[3:]} "
    answer = api.post("verify-code", {"code": messy, "flow": body["flow"]})
    done = answer.json()
    assert answer.status_code == 200
    assert done["stage"] == "done"
    assert done["next"] == "/"
    assert done["me"]["user"]["email"] == ALICE
    assert done["me"]["imbrace"]["active"] is True
    assert done["me"]["imbrace"]["organization_id"] == sandbox.user(ALICE).organization_ids[0]
    assert done["me"]["imbrace"]["user_id"] == sandbox.user(ALICE).id
    assert requests(sandbox) == {"otp_request": 1, "authenticate": 1, "exchange": 1, "me": 1}
    assert stored_grant(api.client)["token"].startswith("acc_")
    assert api.get("me").json() == done["me"]
    assert api.get("signin").json() == {"stage": "none"}
    _secrets(sandbox, asked.content, answer.content)


def test_session_and_csrf_token_change_on_sign_in(
    api: Api, gateway_settings: SandboxGateway
) -> None:
    api.post("request-code", {"email": ALICE})
    before = (api.client.cookies["sessionid"].value, api.csrf_token())
    api.post("verify-code", {"code": gateway_settings.last_code(ALICE)})
    after = (api.client.cookies["sessionid"].value, api.csrf_token())
    assert before[0] != after[0]
    assert before[1] != after[1]
    assert api.get("me").status_code == 200  # the new token works


def test_unknown_email_gets_the_same_answer(api: Api, gateway_settings: SandboxGateway) -> None:
    def ask(email: str) -> tuple[Any, dict[str, int]]:
        gateway_settings.reset_stats()
        response = Api().post("request-code", {"email": email})
        return response, requests(gateway_settings)

    known, known_calls = ask(ALICE)
    unknown, unknown_calls = ask("nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert known_calls == unknown_calls == {"otp_request": 1}
    strip = {"email", "flow", "expires_in", "resend_in"}
    assert {k: v for k, v in known.json().items() if k not in strip} == {
        k: v for k, v in unknown.json().items() if k not in strip
    }
    assert sorted(known.headers) == sorted(unknown.headers)


def test_two_organizations_then_a_choice(api: Api, gateway_settings: SandboxGateway) -> None:
    sandbox = gateway_settings
    answer = sign_in_with_code(api, sandbox, BOB)
    body = answer.json()
    assert body["stage"] == "organization"
    assert {org["name"] for org in body["organizations"]} == {"Acme Corp", "Globex"}
    assert api.get("signin").json() == body | {"expires_in": api.get("signin").json()["expires_in"]}
    refused = api.post("organization", {"organization": "org_not_listed"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "not_a_member"
    assert "organization" in refused.json()["error"]["fields"]
    assert refused.json()["signin"]["stage"] == "organization"
    for bad in ({}, {"organization": ""}, {"organization": ["x"]}, {"organization": "x" * 192}):
        invalid = api.post("organization", bad)
        assert invalid.status_code == 400
        assert list(invalid.json()["error"]["fields"]) == ["organization"]
    globex = next(o["id"] for o in body["organizations"] if o["name"] == "Globex")
    done = api.post("organization", {"organization": globex})
    assert done.status_code == 200
    assert done.json()["me"]["imbrace"]["organization_id"] == globex
    assert stored_grant(api.client)["organization_id"] == globex
    again = api.post("organization", {"organization": globex})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "no_pending_signin"
    assert requests(sandbox)["exchange"] == 1
    _secrets(sandbox, answer.content, done.content)


def test_wrong_codes_count_then_end_the_sign_in(api: Api, gateway_settings: SandboxGateway) -> None:
    sandbox = gateway_settings
    api.post("request-code", {"email": ALICE})
    right = sandbox.last_code(ALICE)
    wrong = "ZZZ999" if right != "ZZZ999" else "YYY888"
    for left in (2, 1):
        answer = api.post("verify-code", {"code": wrong})
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "invalid_code"
        assert answer.json()["error"]["fields"]["code"]
        assert answer.json()["signin"]["attempts_left"] == left
    last = api.post("verify-code", {"code": wrong})
    assert last.status_code == 400
    assert last.json()["error"]["code"] == "too_many_codes"
    assert last.json()["signin"] == {"stage": "none"}
    late = api.post("verify-code", {"code": right})
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "no_pending_signin"
    assert requests(sandbox)["authenticate"] == 3


def test_malformed_codes_are_field_errors_and_send_nothing(
    api: Api, gateway_settings: SandboxGateway
) -> None:
    api.post("request-code", {"email": ALICE})
    for typed in ["", " - ", "ABC12", "AB\x00123", "\u0663" * 6, 123456, None]:
        answer = api.post("verify-code", {"code": typed})
        assert answer.status_code == 400, typed
        assert answer.json()["error"]["code"] == "invalid"
        assert "code" in answer.json()["error"]["fields"]
    assert requests(gateway_settings) == {"otp_request": 1}
    assert pending(api.client)["attempts"] == 0


def test_expired_code(api: Api, gateway_settings: SandboxGateway) -> None:
    api.post("request-code", {"email": ALICE})
    gateway_settings.advance(16 * 60)
    answer = api.post("verify-code", {"code": gateway_settings.last_code(ALICE)})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "expired_code"
    assert answer.json()["signin"] == {"stage": "none"}


def test_pending_sign_in_past_its_deadline(api: Api, gateway_settings: SandboxGateway) -> None:
    api.post("request-code", {"email": ALICE})
    ratelimit.clock.advance(901)
    assert api.get("signin").json() == {"stage": "none"}
    answer = api.post("verify-code", {"code": gateway_settings.last_code(ALICE)})
    assert answer.status_code == 409
    assert "authenticate" not in requests(gateway_settings)


def test_code_for_a_replaced_sign_in(api: Api, gateway_settings: SandboxGateway) -> None:
    first = api.post("request-code", {"email": ALICE}).json()["flow"]
    ratelimit.clock.advance(1)
    api.post("request-code", {"email": ALICE})
    answer = api.post("verify-code", {"code": gateway_settings.last_code(ALICE), "flow": first})
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "flow_replaced"
    assert "authenticate" not in requests(gateway_settings)


def test_resend(api: Api, gateway_settings: SandboxGateway) -> None:
    api.post("request-code", {"email": ALICE})
    soon = api.post("resend-code")
    assert soon.status_code == 429
    assert soon.json()["error"]["code"] == "resend_wait"
    assert 59 <= int(soon["Retry-After"]) <= 60
    ratelimit.clock.advance(60)
    again = api.post("resend-code", {})
    assert again.status_code == 200
    assert again.json()["resends_left"] == 1
    assert requests(gateway_settings)["otp_request"] == 2
    ratelimit.clock.advance(60)
    assert api.post("resend-code").json()["resends_left"] == 0
    ratelimit.clock.advance(60)
    used_up = api.post("resend-code")
    assert used_up.status_code == 409
    assert used_up.json()["error"]["code"] == "no_more_resends"
    assert used_up.json()["signin"]["stage"] == "code"


def test_resend_without_a_pending_sign_in(api: Api) -> None:
    answer = api.post("resend-code")
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "no_pending_signin"
    assert answer.json()["signin"] == {"stage": "none"}


def test_next_is_kept_only_when_safe(api: Api, gateway_settings: SandboxGateway) -> None:
    done = sign_in_with_code(api, gateway_settings, ALICE, next="/dashboard/?tab=1")
    assert done.json()["next"] == "/dashboard/?tab=1"
    other = Api()
    evil = sign_in_with_code(other, gateway_settings, ALICE, next="https://evil.example/")
    assert evil.json()["next"] == "/"


def test_the_pages_and_the_api_share_one_sign_in(
    api: Api, gateway_settings: SandboxGateway
) -> None:
    api.post("request-code", {"email": ALICE})
    browser: Client = api.client
    response = browser.post(
        CODE,
        {"code": gateway_settings.last_code(ALICE)},
        headers={"X-CSRFToken": api.csrf_token()},
    )
    assert response.status_code == 302
    assert api.get("me").json()["imbrace"]["active"] is True
