"""The organization step checks the flow id like the code step: a stale tab is refused."""

from __future__ import annotations

from django.test import Client

from django_imbrace.sandbox import SandboxGateway
from tests.fixtures_api import Api, sign_in_with_code
from tests.fixtures_signin import (
    BOB,
    LOGIN,
    ORGANIZATION,
    code_login,
    password_login,
    pending,
    requests,
    signed_in_user_id,
    stored_grant,
)

REPLACED = "This sign-in was replaced by a newer one. Please start again."


def _globex(sandbox: SandboxGateway) -> str:
    return next(o.id for o in sandbox.organizations if o.name == "Globex")


def test_the_page_carries_the_flow_id(browser: Client, gateway_settings: SandboxGateway) -> None:
    code_login(browser, gateway_settings, BOB)
    flow_id = pending(browser)["flow_id"]
    page = browser.get(ORGANIZATION).content.decode()
    assert f'name="flow" value="{flow_id}"' in page


def test_a_stale_tab_is_refused(browser: Client, gateway_settings: SandboxGateway) -> None:
    sandbox = gateway_settings
    code_login(browser, sandbox, BOB)
    old = pending(browser)["flow_id"]
    password_login(browser, BOB)  # a newer sign-in, in another tab
    newer = pending(browser)
    assert newer["flow_id"] != old
    assert newer["stage"] == "organization"
    response = browser.post(ORGANIZATION, {"organization": _globex(sandbox), "flow": old})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert REPLACED in browser.get(LOGIN).content.decode()
    assert "exchange" not in requests(sandbox)
    assert signed_in_user_id(browser) is None
    assert pending(browser) == newer  # the newer sign-in goes on
    done = browser.post(ORGANIZATION, {"organization": _globex(sandbox), "flow": newer["flow_id"]})
    assert done.status_code == 302
    assert done["Location"] == "/"
    assert stored_grant(browser)["organization_id"] == _globex(sandbox)


def test_without_a_flow_id_the_choice_is_accepted(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    code_login(browser, gateway_settings, BOB)
    response = browser.post(ORGANIZATION, {"organization": _globex(gateway_settings)})
    assert response.status_code == 302
    assert stored_grant(browser)["organization_id"] == _globex(gateway_settings)


def test_the_api_refuses_a_stale_flow(api: Api, gateway_settings: SandboxGateway) -> None:
    sandbox = gateway_settings
    first = sign_in_with_code(api, sandbox, BOB).json()
    assert first["stage"] == "organization"
    old = first["flow"]
    newer = api.post("password", {"email": BOB, "password": "bob-password"}).json()
    assert newer["stage"] == "organization"
    assert newer["flow"] != old
    refused = api.post("organization", {"organization": _globex(sandbox), "flow": old})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "flow_replaced"
    assert refused.json()["signin"]["flow"] == newer["flow"]
    assert "exchange" not in requests(sandbox)
    done = api.post("organization", {"organization": _globex(sandbox), "flow": newer["flow"]})
    assert done.status_code == 200
    assert done.json()["me"]["imbrace"]["organization_id"] == _globex(sandbox)


def test_the_api_takes_the_organization_id_as_posted(
    api: Api, gateway_settings: SandboxGateway
) -> None:
    sign_in_with_code(api, gateway_settings, BOB)
    globex = _globex(gateway_settings)
    for posted in (f" {globex}", f"{globex}\n", f"{globex}\t"):
        refused = api.post("organization", {"organization": posted})
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "not_a_member"
    assert "exchange" not in requests(gateway_settings)
