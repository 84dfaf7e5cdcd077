"""Sign-ins with a custom user model: ``USERNAME_FIELD = "email"``, no username or names.

Run only with ``--ds=tests.custom_user.settings`` (see ``tests/test_custom_user_model.py``).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from django_imbrace.models import ImbraceIdentity
from django_imbrace.sandbox import SandboxGateway
from django_imbrace.signals import imbrace_login_failed
from django_imbrace.testing import sign_in
from tests.custom_user.models import EmailUser
from tests.fixtures_signin import (
    ALICE,
    BOB,
    code_login,
    password_login,
    signed_in_user_id,
)

ME = reverse("me")
API_ME = reverse("django_imbrace:api:me")


def signed_in_user(client: Client) -> EmailUser:
    user_id = signed_in_user_id(client)
    assert user_id is not None, "not signed in"
    return EmailUser.objects.get(pk=user_id)


def assert_linked(user: EmailUser, sandbox: SandboxGateway, email: str) -> None:
    assert user.email == email
    assert user.get_username() == email
    assert not user.has_usable_password()
    identity = ImbraceIdentity.objects.get(user=user)
    assert identity.imbrace_user_id == sandbox.user(email).id
    assert identity.email == email


def test_the_custom_model_is_in_use() -> None:
    assert get_user_model() is EmailUser
    assert ImbraceIdentity._meta.get_field("user").related_model is EmailUser


@pytest.mark.django_db
def test_imbrace_migrations_follow_auth_user_model() -> None:
    """``0001_initial`` points at ``settings.AUTH_USER_MODEL``: nothing left to migrate."""
    call_command(
        "makemigrations", "django_imbrace", "custom_user", check=True, dry_run=True, verbosity=0
    )


def test_code_sign_in_creates_an_email_user(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    response = code_login(browser, gateway_settings, ALICE)
    assert response.status_code == 302, response.content
    user = signed_in_user(browser)
    assert_linked(user, gateway_settings, ALICE)
    assert user.full_name == ""  # a field the backend does not know is left alone
    assert EmailUser.objects.count() == 1


def test_password_sign_in_creates_an_email_user(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    response = password_login(browser, ALICE)
    assert response.status_code == 302, response.content
    assert_linked(signed_in_user(browser), gateway_settings, ALICE)
    assert EmailUser.objects.count() == 1


def test_a_second_sign_in_finds_the_user_by_the_link(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    """The local copy of the e-mail went stale (as after a change at Imbrace): the next
    sign-in still finds the user, through ``ImbraceIdentity``, and refreshes the e-mail."""
    assert code_login(browser, gateway_settings, ALICE).status_code == 302
    user = signed_in_user(browser)
    EmailUser.objects.filter(pk=user.pk).update(email="old-address@example.com")
    ImbraceIdentity.objects.filter(user=user).update(email="old-address@example.com")

    again = Client()
    assert password_login(again, ALICE).status_code == 302
    assert signed_in_user(again).pk == user.pk
    assert_linked(signed_in_user(again), gateway_settings, ALICE)
    assert EmailUser.objects.count() == 1


def test_an_unlinked_user_with_the_email_is_never_taken_over(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    """A local account already holds the e-mail (unique here): no second user can be
    created, and that account is not signed in either. The sign-in ends."""
    local = EmailUser.objects.create_user(ALICE, password="local-password")
    reasons: list[str] = []

    def record(sender: Any, reason: str, **kwargs: Any) -> None:
        reasons.append(reason)

    imbrace_login_failed.connect(record)
    try:
        response = code_login(browser, gateway_settings, ALICE)
    finally:
        imbrace_login_failed.disconnect(record)
    assert response.status_code == 200
    assert reasons == ["inactive_user"]
    assert signed_in_user_id(browser) is None
    assert not ImbraceIdentity.objects.exists()
    local.refresh_from_db()
    assert local.check_password("local-password")
    assert EmailUser.objects.count() == 1


def test_an_email_taken_locally_keeps_the_linked_user_signing_in(
    browser: Client, gateway_settings: SandboxGateway, caplog: pytest.LogCaptureFixture
) -> None:
    """Another local account took the Imbrace e-mail: the linked user still signs in
    (found by the link), keeping their old e-mail rather than breaking the unique field."""
    assert code_login(browser, gateway_settings, ALICE).status_code == 302
    user = signed_in_user(browser)
    EmailUser.objects.filter(pk=user.pk).update(email="old-address@example.com")
    other = EmailUser.objects.create_user(ALICE, password="local-password")

    again = Client()
    with caplog.at_level(logging.WARNING, logger="django_imbrace"):
        assert password_login(again, ALICE).status_code == 302
    assert signed_in_user(again).pk == user.pk != other.pk
    assert signed_in_user(again).email == "old-address@example.com"
    assert "could not update a local user" in caplog.text


def test_request_imbrace_for_an_email_user(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    assert code_login(browser, gateway_settings, ALICE).status_code == 302
    assert browser.get(ME).json() == {"email": ALICE}
    assert browser.get(reverse("ame")).json() == {"email": ALICE}
    me = browser.get(API_ME).json()
    assert me["user"]["username"] == me["user"]["email"] == ALICE
    assert me["imbrace"]["user_id"] == gateway_settings.user(ALICE).id


def test_the_sign_in_helper_for_an_email_user(gateway_settings: SandboxGateway) -> None:
    client = Client()
    user = sign_in(client, gateway_settings, BOB)
    assert isinstance(user, EmailUser)
    assert_linked(user, gateway_settings, BOB)
    assert client.get(ME).json() == {"email": BOB}
