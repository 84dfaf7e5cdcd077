"""The password flow, the generic messages and the gateway's refusals."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from django_imbrace.sandbox import SandboxGateway
from tests.fixtures_signin import (
    ALICE,
    BOB,
    CAROL,
    ORGANIZATION,
    PASSWORD,
    password_login,
    requests,
    signed_in_user_id,
    stored_grant,
)

GENERIC = b"The e-mail address or password is incorrect."


def test_password_sign_in_costs_three_calls(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    response = password_login(browser, ALICE)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert requests(gateway_settings) == {"authenticate": 1, "exchange": 1, "me": 1}
    assert stored_grant(browser)["token"].startswith("acc_")
    user = get_user_model().objects.get()
    assert (user.email, user.first_name, user.last_name) == (ALICE, "Alice", "Anderson")


def test_password_page_is_accessible_and_keeps_the_typed_email(browser: Client) -> None:
    response = browser.post(PASSWORD, {"email": ALICE, "action": "choose"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="alice@example.com"' in html
    assert 'autocomplete="current-password"' in html
    assert "errorlist" not in html
    assert browser.get(PASSWORD).status_code == 200


def test_wrong_password_and_unknown_email_get_one_generic_message(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    wrong = password_login(browser, ALICE, "nope")
    unknown = password_login(browser, "nobody@example.com", "nope")
    assert wrong.status_code == unknown.status_code == 200
    assert GENERIC in wrong.content
    assert GENERIC in unknown.content
    assert signed_in_user_id(browser) is None


def test_empty_password_sends_nothing(browser: Client, gateway_settings: SandboxGateway) -> None:
    response = password_login(browser, ALICE, "")
    assert b"Enter your password." in response.content
    assert requests(gateway_settings) == {}


def test_deactivated_account(browser: Client, gateway_settings: SandboxGateway) -> None:
    response = password_login(browser, CAROL)
    assert response.status_code == 200
    assert b"This Imbrace account has been deactivated." in response.content
    assert b'value="carol@example.com"' in response.content
    assert stored_grant(browser) is None
    assert get_user_model().objects.count() == 0


def test_password_with_two_organizations_goes_to_the_picker(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    response = password_login(browser, BOB)
    assert response["Location"] == ORGANIZATION
    globex = next(o for o in gateway_settings.organizations if o.name == "Globex")
    assert browser.post(ORGANIZATION, {"organization": globex.id}).status_code == 302
    assert stored_grant(browser)["organization_id"] == globex.id


def test_inactive_local_user_gets_the_generic_message(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    assert password_login(Client(), ALICE).status_code == 302
    get_user_model().objects.update(is_active=False)
    response = password_login(browser, ALICE)
    assert response.status_code == 200
    assert GENERIC in response.content
    assert stored_grant(browser) is None
    assert signed_in_user_id(browser) is None


def test_organization_without_members_list(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    gateway_settings.add_user("dan@example.com", "dan-password")
    response = password_login(browser, "dan@example.com", "dan-password")
    assert b"does not belong to any organization" in response.content
    assert "exchange" not in requests(gateway_settings)


def test_messages_in_vietnamese(browser: Client, gateway_settings: SandboxGateway) -> None:
    response = browser.post(
        PASSWORD, {"email": ALICE, "password": "nope"}, headers={"accept-language": "vi"}
    )
    assert "Địa chỉ e-mail hoặc mật khẩu không đúng." in response.content.decode()
    page = browser.get("/imbrace/login/", headers={"accept-language": "vi"}).content.decode()
    assert "Gửi mã qua e-mail" in page
    assert 'lang="vi"' in page
