"""The example site (``example_project``) in build and wrap mode, against the sandbox.

The test settings stay as they are; each test mounts the example site's URLconf and
adds ``example_project`` to ``INSTALLED_APPS`` (for its templates and stylesheet).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.staticfiles import finders
from django.test import AsyncClient, Client

from django_imbrace.sandbox import Fault, SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY
from django_imbrace.testing import sign_in

ALICE = "alice@example.com"
BOB = "bob@example.com"


@pytest.fixture
def site(gateway_settings: SandboxGateway, settings: Any) -> SandboxGateway:
    """The example site on the sandbox (build mode), with two boards in Acme Corp and one
    in Globex; yields the sandbox."""
    settings.ROOT_URLCONF = "example_project.urls"
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "example_project"]
    settings.LOGIN_REDIRECT_URL = "dashboard"
    settings.LOGOUT_REDIRECT_URL = "home"
    acme, globex = (org.id for org in gateway_settings.organizations)
    gateway_settings.add_board(acme, "Sales pipeline", "Deals")
    gateway_settings.add_board(acme, "Support tickets")
    gateway_settings.add_board(globex, "Globex roadmap")
    return gateway_settings


@pytest.fixture
def wrap_site(site: SandboxGateway, settings: Any) -> SandboxGateway:
    """The example site in wrap mode on Acme Corp's API key."""
    settings.IMBRACE_MODE = "wrap"
    settings.IMBRACE_API_KEY = site.api_keys(site.organizations[0].id)[0]
    return site


def test_home_offers_sign_in_in_build_mode(site: SandboxGateway) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/imbrace/login/?next=/dashboard/"' in html
    assert "/static/example/site.css" in html
    assert site.stats.requests.get("account", 0) == 0  # the home page never calls Imbrace


def test_home_links_the_dashboard_in_wrap_mode(wrap_site: SandboxGateway) -> None:
    html = Client().get("/").content.decode()
    assert 'href="/dashboard/"' in html
    assert "/imbrace/login/" not in html


def test_stylesheet_is_found(site: SandboxGateway) -> None:
    assert finders.find("example/site.css")


def test_dashboard_requires_sign_in_in_build_mode(site: SandboxGateway) -> None:
    response = Client().get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/imbrace/login/?next=/dashboard/"


def test_dashboard_lists_the_organization_boards(site: SandboxGateway) -> None:
    client = Client()
    sign_in(client, site, ALICE)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Acme Corp</h1>" in html
    assert "Alice Anderson" in html
    assert "Sales pipeline" in html
    assert "Support tickets" in html
    assert "Globex roadmap" not in html
    assert 'action="/imbrace/logout/"' in html


def test_dashboard_shows_the_chosen_organization(site: SandboxGateway) -> None:
    client = Client()
    sign_in(client, site, BOB, organization_id=site.organizations[1].id)
    html = client.get("/dashboard/").content.decode()
    assert "<h1>Globex</h1>" in html
    assert "Globex roadmap" in html
    assert "Sales pipeline" not in html


def test_dashboard_works_on_the_api_key_in_wrap_mode(wrap_site: SandboxGateway) -> None:
    response = Client().get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Acme Corp</h1>" in html
    assert "Sales pipeline" in html
    assert "API key" in html
    assert "Sign out" not in html


def test_dashboard_when_imbrace_is_down(site: SandboxGateway) -> None:
    client = Client()
    sign_in(client, site, ALICE)
    site.inject("boards", Fault.status(503))
    response = client.get("/dashboard/")
    assert response.status_code == 503
    assert "Imbrace is unavailable" in response.content.decode()


def test_dashboard_after_the_token_is_revoked(site: SandboxGateway) -> None:
    """The organization-name call goes through the SDK's transport: a 401 there is
    answered like any other (signed out, back to the sign-in page with ``next``)."""
    client = Client()
    sign_in(client, site, ALICE)
    site.revoke(client.session[ACCESS_SESSION_KEY]["token"])
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/imbrace/login/?next=/dashboard/")
    assert client.get("/dashboard/")["Location"] == "/imbrace/login/?next=/dashboard/"


def test_async_api_me_for_a_signed_in_user(site: SandboxGateway) -> None:
    """Over ASGI: the async view awaits ``request.aimbrace`` with the user's token."""
    client = AsyncClient()
    sign_in(client, site, BOB)
    response = async_to_sync(client.get)("/api/me/")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["email"] == BOB
    assert body["organization_id"] == site.organizations[0].id
    assert set(body) == {"id", "email", "display_name", "role", "organization_id"}


def test_api_me_through_the_sync_client(site: SandboxGateway) -> None:
    client = Client()
    sign_in(client, site, ALICE)
    assert client.get("/api/me/").json()["email"] == ALICE


def test_api_me_without_sign_in_is_a_json_401(site: SandboxGateway) -> None:
    response = Client().get("/api/me/", headers={"accept": "application/json"})
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
