"""ImbraceBackend: users by the stable Imbrace id, hooks, and the async twins."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, authenticate, get_user_model

from django_imbrace.backends import ImbraceBackend, ImbraceProfile
from django_imbrace.client import aclose_pool
from django_imbrace.models import ImbraceIdentity
from django_imbrace.sandbox import SandboxGateway
from django_imbrace.session import AccessGrant
from django_imbrace.signin import exchange, login_with_password
from tests.fixtures_signin import ALICE, BOB, PASSWORDS


def grant_for(email: str, org_index: int = 0) -> AccessGrant:
    access = login_with_password(email, PASSWORDS[email])
    return exchange(access.token, access.organizations[org_index].id, "password")


def test_other_credentials_are_not_its_own(gateway_settings: SandboxGateway) -> None:
    backend = ImbraceBackend()
    get_user_model().objects.create_user("local", password="local-password")
    assert backend.authenticate(None) is None
    assert backend.authenticate(None, username="local", password="local-password") is None
    assert backend.authenticate(None, imbrace_access_token="acc_not_a_grant") is None  # type: ignore[arg-type]
    assert authenticate(None, username="local", password="local-password") is not None
    assert gateway_settings.stats.requests.get("me", 0) == 0


def test_first_sign_in_creates_then_updates(gateway_settings: SandboxGateway) -> None:
    grant = grant_for(ALICE)
    user = authenticate(None, imbrace_access_token=grant)
    assert user is not None
    assert user.username == ALICE
    assert not user.has_usable_password()
    identity = ImbraceIdentity.objects.get(user=user)
    assert identity.imbrace_user_id == gateway_settings.user(ALICE).id
    hash_before = user.get_session_auth_hash()
    user.first_name = "Changed locally"
    user.email = "old@example.com"
    user.save()
    again = authenticate(None, imbrace_access_token=grant_for(ALICE))
    assert again is not None
    assert again.pk == user.pk
    assert (again.first_name, again.email) == ("Alice", ALICE)
    assert again.get_session_auth_hash() == hash_before
    assert get_user_model().objects.count() == 1


def test_users_are_found_by_id_never_by_email(gateway_settings: SandboxGateway) -> None:
    squatter = get_user_model().objects.create_user(ALICE, email=ALICE, password="x")
    user = authenticate(None, imbrace_access_token=grant_for(ALICE))
    assert user is not None
    assert user.pk != squatter.pk
    assert user.username == f"imbrace-{gateway_settings.user(ALICE).id}"
    identity = ImbraceIdentity.objects.get(user=user)
    identity.email = "someone-else@example.com"
    identity.save()
    assert authenticate(None, imbrace_access_token=grant_for(ALICE)).pk == user.pk  # type: ignore[union-attr]
    identity.refresh_from_db()
    assert identity.email == ALICE


def test_create_users_off(gateway_settings: SandboxGateway, settings: Any) -> None:
    settings.IMBRACE_CREATE_USERS = False
    assert authenticate(None, imbrace_access_token=grant_for(ALICE)) is None
    assert get_user_model().objects.count() == 0


def test_revoked_token_is_refused(gateway_settings: SandboxGateway) -> None:
    grant = grant_for(ALICE)
    gateway_settings.revoke(grant.token)
    assert authenticate(None, imbrace_access_token=grant) is None


def test_organization_is_remembered(gateway_settings: SandboxGateway) -> None:
    grant = grant_for(BOB, 1)
    user = authenticate(None, imbrace_access_token=grant)
    assert ImbraceIdentity.objects.get(user=user).organization_id == grant.organization_id


def test_hooks_can_be_overridden(gateway_settings: SandboxGateway) -> None:
    class Custom(ImbraceBackend):
        def get_username(self, profile: ImbraceProfile) -> str:
            return "custom-" + profile.email.split("@")[0]

    user = Custom().authenticate(None, imbrace_access_token=grant_for(ALICE))
    assert user is not None
    assert user.username == "custom-alice"


def test_profile_parsing() -> None:
    assert ImbraceProfile.from_me(None) is None
    assert ImbraceProfile.from_me({"email": "x@example.com"}) is None
    profile = ImbraceProfile.from_me(
        {"id": "pub_1", "email": " X@Example.com ", "is_active": False}
    )
    assert profile is not None
    assert (profile.id, profile.email, profile.is_active) == ("pub_1", "x@example.com", False)


def test_email_username_field(gateway_settings: SandboxGateway, monkeypatch: Any) -> None:
    """With an e-mail ``USERNAME_FIELD`` the username is the e-mail, even when taken."""
    user_model = get_user_model()
    monkeypatch.setattr(user_model, "USERNAME_FIELD", "email")
    profile = ImbraceProfile(id="pub_1", email=ALICE)
    user_model.objects.create_user("someone", email=ALICE)
    assert ImbraceBackend().get_username(profile) == ALICE


@pytest.mark.django_db(transaction=True)
def test_async_authenticate_and_get_user(sandbox: SandboxGateway, settings: Any) -> None:
    settings.IMBRACE_GATEWAY = sandbox.url
    grant = grant_for(ALICE)

    async def run() -> tuple[Any, Any, Any]:
        try:
            user = await aauthenticate(None, imbrace_access_token=grant)
            backend = ImbraceBackend()
            found = await backend.aget_user(user.pk if user else None)
            nobody = await backend.aauthenticate(None, username="x", password="y")
            return user, found, nobody
        finally:
            await aclose_pool()

    user, found, nobody = async_to_sync(run)()
    assert user is not None
    assert found == user
    assert nobody is None
    assert ImbraceIdentity.objects.get(user=user).imbrace_user_id == sandbox.user(ALICE).id


@pytest.mark.django_db(transaction=True)
def test_async_revoked_token(sandbox: SandboxGateway, settings: Any) -> None:
    settings.IMBRACE_GATEWAY = sandbox.url
    grant = grant_for(ALICE)
    sandbox.revoke(grant.token)

    async def run() -> Any:
        try:
            return await ImbraceBackend().aauthenticate(None, imbrace_access_token=grant)
        finally:
            await aclose_pool()

    assert async_to_sync(run)() is None


def test_identity_admin_is_read_only(gateway_settings: SandboxGateway) -> None:
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    user = authenticate(None, imbrace_access_token=grant_for(ALICE))
    identity = ImbraceIdentity.objects.get(user=user)
    request = RequestFactory().get("/")
    request.user = get_user_model().objects.create_superuser("admin", "a@example.com", "pw")
    model_admin = site._registry[ImbraceIdentity]
    assert model_admin.has_view_permission(request, identity)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, identity)
    assert not model_admin.has_delete_permission(request, identity)
    assert "imbrace_user_id" in model_admin.get_readonly_fields(request, identity)
