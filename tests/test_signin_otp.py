"""The code flow end to end, over real HTTP to the sandbox."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from django.test import Client

from django_imbrace import ratelimit
from django_imbrace.models import ImbraceIdentity
from django_imbrace.sandbox import SandboxGateway
from tests.fixtures_signin import (
    ALICE,
    BOB,
    CODE,
    LOGIN,
    ORGANIZATION,
    RESEND,
    ask_code,
    code_login,
    enter_code,
    pending,
    requests,
    signed_in_user_id,
    stored_grant,
)


def test_start_page_is_accessible(browser: Client) -> None:
    response = browser.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_email">' in html
    assert 'autocomplete="email"' in html
    assert "autofocus" in html
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_code_sign_in_costs_four_calls_and_stores_the_grant(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    sandbox = gateway_settings
    response = ask_code(browser, ALICE)
    assert response.status_code == 302
    assert response["Location"] == CODE
    page = browser.get(CODE).content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="text"' in page
    code = sandbox.last_code(ALICE)
    messy = f" {code[:3].lower()} - {code[3:]} "
    response = enter_code(browser, messy)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert requests(sandbox) == {"otp_request": 1, "authenticate": 1, "exchange": 1, "me": 1}
    grant = stored_grant(browser)
    assert grant is not None
    assert grant["token"].startswith("acc_")
    assert grant["organization_id"] == sandbox.user(ALICE).organization_ids[0]
    assert grant["imbrace_user_id"] == sandbox.user(ALICE).id
    expires = datetime.fromisoformat(grant["expires_at"])
    assert browser.session.get_expiry_date() <= expires
    assert browser.session.get_expiry_date() > datetime.now(timezone.utc)
    assert pending(browser) is None
    identity = ImbraceIdentity.objects.get(imbrace_user_id=sandbox.user(ALICE).id)
    assert str(identity.user.pk) == signed_in_user_id(browser)
    assert identity.email == ALICE
    assert not identity.user.has_usable_password()


def test_full_width_code_is_accepted(browser: Client, gateway_settings: SandboxGateway) -> None:
    ask_code(browser, ALICE)
    code = gateway_settings.last_code(ALICE)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert enter_code(browser, wide).status_code == 302
    assert stored_grant(browser) is not None


def test_bad_codes_are_form_errors_and_send_nothing(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    ask_code(browser, ALICE)
    for typed in [
        "",
        " - - ",
        "ABC12",
        "ABC1234",
        "ABC\n123",
        "AB\x00123",
        "\u0663" * 6,
        "\u0131abc12",
    ]:
        response = enter_code(browser, typed)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert requests(gateway_settings) == {"otp_request": 1}
    assert pending(browser)["attempts"] == 0


def test_two_organizations_show_a_picker(browser: Client, gateway_settings: SandboxGateway) -> None:
    sandbox = gateway_settings
    response = code_login(browser, sandbox, BOB)
    assert response["Location"] == ORGANIZATION
    page = browser.get(ORGANIZATION).content.decode()
    assert "Acme Corp" in page
    assert "Globex" in page
    assert "login_acc_" not in page
    assert requests(sandbox) == {"otp_request": 1, "authenticate": 1}
    globex = next(o for o in sandbox.organizations if o.name == "Globex")
    response = browser.post(ORGANIZATION, {"organization": globex.id})
    assert response.status_code == 302
    assert stored_grant(browser)["organization_id"] == globex.id
    assert requests(sandbox) == {"otp_request": 1, "authenticate": 1, "exchange": 1, "me": 1}
    assert ImbraceIdentity.objects.get().organization_id == globex.id


def test_an_organization_not_in_the_list_is_refused(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    sandbox = gateway_settings
    code_login(browser, sandbox, BOB)
    other = sandbox.add_organization("Initech")
    for posted in [other.id, "", "x" * 500]:
        response = browser.post(ORGANIZATION, {"organization": posted})
        assert response.status_code == 400
        assert b"Choose one of the organizations listed." in response.content
    assert stored_grant(browser) is None
    assert signed_in_user_id(browser) is None
    assert "exchange" not in requests(sandbox)
    assert pending(browser) is not None  # still possible to pick a listed one


def test_double_submitting_the_organization_exchanges_once(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    sandbox = gateway_settings
    code_login(browser, sandbox, BOB)
    acme = sandbox.user(BOB).organization_ids[0]
    stale = browser.cookies["sessionid"].value
    assert browser.post(ORGANIZATION, {"organization": acme}).status_code == 302
    replay = Client()
    replay.cookies["sessionid"] = stale
    response = replay.post(ORGANIZATION, {"organization": acme})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert requests(sandbox)["exchange"] == 1


def test_forced_organization_skips_the_picker(
    browser: Client, gateway_settings: SandboxGateway, settings: object
) -> None:
    sandbox = gateway_settings
    globex = next(o for o in sandbox.organizations if o.name == "Globex")
    settings.IMBRACE_ORGANIZATION_ID = globex.id  # type: ignore[attr-defined]
    response = code_login(browser, sandbox, BOB)
    assert response["Location"] == "/"
    assert stored_grant(browser)["organization_id"] == globex.id


def test_forced_organization_refuses_a_non_member(
    browser: Client, gateway_settings: SandboxGateway, settings: object
) -> None:
    sandbox = gateway_settings
    globex = next(o for o in sandbox.organizations if o.name == "Globex")
    settings.IMBRACE_ORGANIZATION_ID = globex.id  # type: ignore[attr-defined]
    response = code_login(browser, sandbox, ALICE)
    assert response.status_code == 200
    assert b"not a member of this organization" in response.content
    assert b'value="alice@example.com"' in response.content
    assert stored_grant(browser) is None
    assert signed_in_user_id(browser) is None
    assert pending(browser) is None
    assert "exchange" not in requests(sandbox)


def test_unknown_email_gets_the_same_answer_as_a_known_one(
    gateway_settings: SandboxGateway,
) -> None:
    sandbox = gateway_settings
    answers = []
    for email in [ALICE, "nobody@example.com"]:
        client = Client()
        sandbox.reset_stats()
        response = ask_code(client, email)
        page = client.get(CODE)
        flow_id = client.session["_imbrace_signin"]["flow_id"]
        html = page.content.decode().replace(email, "EMAIL").replace(flow_id, "FLOW")
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
        answers.append(
            (response.status_code, response["Location"], page.status_code, html, requests(sandbox))
        )
    assert answers[0] == answers[1]
    assert answers[0][4] == {"otp_request": 1}


def test_unknown_email_code_is_refused_like_a_wrong_code(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    ask_code(browser, "nobody@example.com")
    response = enter_code(browser, "ABC123")
    assert response.status_code == 200
    assert b"That code is not correct" in response.content
    assert pending(browser)["attempts"] == 1


def test_three_wrong_codes_discard_the_flow(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    sandbox = gateway_settings
    ask_code(browser, ALICE)
    right = sandbox.last_code(ALICE)
    wrong = "ZZZZZ9" if right != "ZZZZZ9" else "ZZZZZ8"
    for attempt in (1, 2):
        response = enter_code(browser, wrong)
        assert response.status_code == 200
        assert pending(browser)["attempts"] == attempt
    response = enter_code(browser, wrong)
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert pending(browser) is None
    response = enter_code(browser, right)
    assert response["Location"] == LOGIN
    assert signed_in_user_id(browser) is None
    assert requests(sandbox)["authenticate"] == 3


def test_expired_code_asks_for_a_new_one(browser: Client, gateway_settings: SandboxGateway) -> None:
    sandbox = gateway_settings
    ask_code(browser, ALICE)
    sandbox.advance(16 * 60)
    response = enter_code(browser, sandbox.last_code(ALICE))
    assert response["Location"] == LOGIN
    assert pending(browser) is None
    page = browser.get(LOGIN).content.decode()
    assert "That code has expired" in page


def test_pending_flow_past_its_deadline_is_cleared(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    ask_code(browser, ALICE)
    ratelimit.clock.advance(901)
    response = enter_code(browser, gateway_settings.last_code(ALICE))
    assert response["Location"] == LOGIN
    assert pending(browser) is None
    assert "authenticate" not in requests(gateway_settings)


def test_replaying_a_used_code_signs_in_nothing(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    sandbox = gateway_settings
    ask_code(browser, ALICE)
    code = sandbox.last_code(ALICE)
    stale = browser.cookies["sessionid"].value
    assert enter_code(browser, code).status_code == 302
    replay = Client()
    replay.cookies["sessionid"] = stale
    response = replay.post(CODE, {"code": code})
    assert response["Location"] == LOGIN
    assert enter_code(browser, code)["Location"] == LOGIN
    assert requests(sandbox) == {"otp_request": 1, "authenticate": 1, "exchange": 1, "me": 1}


def test_resend_has_a_cooldown_and_a_limit(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    sandbox = gateway_settings
    ask_code(browser, ALICE)
    response = browser.post(RESEND)
    assert response["Location"] == CODE
    assert "seconds before asking for another code" in browser.get(CODE).content.decode()
    assert requests(sandbox)["otp_request"] == 1
    ratelimit.clock.advance(59)
    browser.post(RESEND)
    assert requests(sandbox)["otp_request"] == 1
    ratelimit.clock.advance(1)
    browser.post(RESEND)
    assert requests(sandbox)["otp_request"] == 2
    assert "We sent the code again." in browser.get(CODE).content.decode()
    ratelimit.clock.advance(60)
    browser.post(RESEND)
    assert requests(sandbox)["otp_request"] == 3
    ratelimit.clock.advance(60)
    browser.post(RESEND)
    assert requests(sandbox)["otp_request"] == 3
    assert "No more codes can be sent" in browser.get(CODE).content.decode()
    assert browser.get(RESEND).status_code == 405
    assert enter_code(browser, sandbox.last_code(ALICE)).status_code == 302


def test_resend_keeps_the_attempts_of_the_same_code(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    """Imbrace re-sends the code it already issued: a resend gives no new guesses."""
    sandbox = gateway_settings
    ask_code(browser, ALICE)
    right = sandbox.last_code(ALICE)
    wrong = "ZZZZZ9" if right != "ZZZZZ9" else "ZZZZZ8"
    enter_code(browser, wrong)
    enter_code(browser, wrong)
    ratelimit.clock.advance(60)
    browser.post(RESEND)
    assert sandbox.last_code(ALICE) == right  # the same code, e-mailed again
    assert pending(browser)["attempts"] == 2
    assert pending(browser)["resends"] == 1
    response = enter_code(browser, wrong)
    assert response["Location"] == LOGIN
    assert pending(browser) is None
    assert enter_code(browser, right)["Location"] == LOGIN
    assert signed_in_user_id(browser) is None
    assert requests(sandbox)["authenticate"] == 3


def test_pages_without_a_flow_send_back_to_the_start(browser: Client) -> None:
    for url in [CODE, ORGANIZATION]:
        assert browser.get(url)["Location"] == LOGIN
    assert browser.post(RESEND)["Location"] == LOGIN


def test_a_newer_sign_in_replaces_an_older_tab(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    ask_code(browser, ALICE)
    old_flow = pending(browser)["flow_id"]
    ratelimit.clock.advance(1)
    ask_code(browser, ALICE)
    code = gateway_settings.last_code(ALICE)
    response = browser.post(CODE, {"code": code, "flow": old_flow})
    assert response["Location"] == LOGIN
    assert "authenticate" not in requests(gateway_settings)


def test_invalid_email_sends_nothing(browser: Client, gateway_settings: SandboxGateway) -> None:
    for typed in ["", "nope", "a@b", "m\u0131ke@example.com", "x" * 300 + "@example.com"]:
        response = ask_code(browser, typed)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert requests(gateway_settings) == {}


def test_resend_during_an_outage_or_over_the_limit(
    browser: Client, gateway_settings: SandboxGateway, settings: object
) -> None:
    from django_imbrace.sandbox import Fault

    settings.IMBRACE_RATE_LIMITS = {"request_code": "2/h/key"}  # type: ignore[attr-defined]
    ask_code(browser, ALICE)
    ratelimit.clock.advance(60)
    gateway_settings.inject("otp_request", Fault.status(500), times=1)
    response = browser.post(RESEND)
    assert response.status_code == 503
    assert b"alice@example.com" in response.content
    assert pending(browser)["resends"] == 0
    assert browser.post(RESEND).status_code == 302  # the outage was not counted
    assert pending(browser)["resends"] == 1
    ratelimit.clock.advance(60)
    assert browser.post(RESEND).status_code == 429


def test_login_token_expired_before_the_organization_was_chosen(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    code_login(browser, gateway_settings, BOB)
    gateway_settings.advance(3 * 3600 + 1)
    acme = gateway_settings.user(BOB).organization_ids[0]
    response = browser.post(ORGANIZATION, {"organization": acme})
    assert response.status_code == 200
    assert b"Your sign-in has expired. Please start again." in response.content
    assert stored_grant(browser) is None
    assert pending(browser) is None
