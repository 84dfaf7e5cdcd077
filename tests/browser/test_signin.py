"""Sign-in in a real browser: headless Chromium, the example site on a live server, the
sandbox gateway behind it. Each page visited is saved under ``test-artifacts/screenshots``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from .conftest import Shot, SiteHandle, skip_without_browser

skip_without_browser()

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips these tests (fails them in CI) and says why
    expect = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ALICE = "alice@example.com"
BOB = "bob@example.com"


def ask_for_code(page: Page, site: SiteHandle, email: str) -> None:
    page.get_by_label("E-mail address").fill(email)
    page.get_by_role("button", name="E-mail me a code").click()
    expect(page).to_have_url(site("/imbrace/login/code/"))


def enter_code(page: Page, code: str) -> None:
    page.get_by_label("Code from the e-mail").fill(code)
    page.get_by_role("button", name="Sign in").click()


def sign_in_with_password(page: Page, site: SiteHandle, email: str, password: str) -> None:
    page.goto(site("/imbrace/login/password/?next=/dashboard/"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_one_organization_user_signs_in_with_a_code(
    page: Page, site: SiteHandle, shot: Shot
) -> None:
    page.goto(site("/"))
    shot("1-home")
    page.get_by_role("link", name="Sign in with Imbrace").click()
    expect(page).to_have_url(site("/imbrace/login/?next=/dashboard/"))
    shot("2-login")

    ask_for_code(page, site, ALICE)
    expect(page.get_by_text(ALICE)).to_be_visible()
    shot("3-code")

    enter_code(page, site.gateway.last_code(ALICE))
    expect(page).to_have_url(site("/dashboard/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")
    expect(page.get_by_text("Signed in as Alice Anderson")).to_be_visible()
    boards = page.get_by_role("table")
    expect(boards).to_contain_text("Contacts")
    expect(boards).to_contain_text("Acme launch plan")
    expect(boards).not_to_contain_text("Globex")
    shot("4-dashboard")

    page.set_viewport_size({"width": 390, "height": 800})
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    shot("5-dashboard-phone")


def test_two_organization_user_picks_an_organization(
    page: Page, site: SiteHandle, shot: Shot
) -> None:
    page.goto(site("/dashboard/"))
    expect(page).to_have_url(site("/imbrace/login/?next=/dashboard/"))
    ask_for_code(page, site, BOB)
    enter_code(page, site.gateway.last_code(BOB))

    expect(page).to_have_url(site("/imbrace/login/organization/"))
    expect(page.get_by_role("button", name="Acme Corp")).to_be_visible()
    shot("1-organization")
    page.get_by_role("button", name="Globex").click()

    expect(page).to_have_url(site("/dashboard/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Globex")
    expect(page.get_by_text("Signed in as Bob Brown")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Globex world domination")
    expect(page.get_by_role("table")).not_to_contain_text("Acme launch plan")
    shot("2-dashboard")


def test_wrong_code_shows_the_error(page: Page, site: SiteHandle, shot: Shot) -> None:
    page.goto(site("/imbrace/login/"))
    ask_for_code(page, site, ALICE)
    right = site.gateway.last_code(ALICE)
    wrong = "000000" if right != "000000" else "111111"

    enter_code(page, wrong)
    expect(page).to_have_url(site("/imbrace/login/code/"))
    expect(page.get_by_role("alert")).to_have_text(
        "That code is not correct. Check the e-mail and try again."
    )
    shot("1-wrong-code")
    page.set_viewport_size({"width": 390, "height": 800})
    shot("2-wrong-code-phone")

    enter_code(page, right)  # the flow survives one wrong code
    expect(page).to_have_url(site("/dashboard/"))


def test_password_path(page: Page, site: SiteHandle, shot: Shot) -> None:
    page.goto(site("/imbrace/login/?next=/dashboard/"))
    page.get_by_label("E-mail address").fill(BOB)
    page.get_by_role("button", name="Use my password").click()
    expect(page).to_have_url(re.compile(r"/imbrace/login/password/"))
    expect(page.get_by_label("E-mail address")).to_have_value(BOB)
    shot("1-password")

    page.get_by_label("Password").fill("not-bobs-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".imbrace-errors")).to_be_visible()
    shot("2-wrong-password")

    page.get_by_label("Password").fill("bob-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(site("/imbrace/login/organization/"))
    page.get_by_role("button", name="Acme Corp").click()
    expect(page).to_have_url(site("/dashboard/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")
    shot("3-dashboard")


def test_sign_out_ends_the_session(page: Page, site: SiteHandle, shot: Shot) -> None:
    sign_in_with_password(page, site, ALICE, "alice-password")
    expect(page).to_have_url(site("/dashboard/"))
    assert any(c["name"] == "sessionid" for c in page.context.cookies())

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(site("/"))
    expect(page.get_by_role("link", name="Sign in with Imbrace")).to_be_visible()
    assert not any(c["name"] == "sessionid" for c in page.context.cookies())
    shot("1-signed-out")

    page.goto(site("/dashboard/"))
    expect(page).to_have_url(site("/imbrace/login/?next=/dashboard/"))
