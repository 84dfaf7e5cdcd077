"""Test helpers for projects that use django-imbrace: the sandbox gateway in your tests.

pytest (with pytest-django): add the plugin to your ``conftest.py``::

    pytest_plugins = ["django_imbrace.testing"]

    def test_dashboard(client, imbrace_gateway, imbrace_sign_in):
        imbrace_sign_in(client, "alice@example.com")
        assert client.get("/dashboard/").status_code == 200

Fixtures: ``imbrace_sandbox`` (one gateway per test session), ``imbrace_gateway``
(the same gateway reset to the demo seed, faults and counters cleared, and
``IMBRACE_GATEWAY`` pointed at it for the test), ``imbrace_sign_in`` (see
:func:`sign_in`).

unittest / Django ``TestCase``: mix in :class:`ImbraceSandboxMixin`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from django.contrib.auth import authenticate
from django.test import override_settings

from .client import anonymous_client
from .sandbox import SandboxGateway
from .session import AccessGrant, keep_grant, parse_expiry

BACKEND = "django_imbrace.backends.ImbraceBackend"

__all__ = [
    "ImbraceSandboxMixin",
    "imbrace_gateway",
    "imbrace_sandbox",
    "imbrace_sign_in",
    "sign_in",
]


def sign_in(
    client: Any, gateway: SandboxGateway, email: str, organization_id: str | None = None
) -> Any:
    """Sign a Django test ``client`` in as a sandbox user, with a real access token.

    Takes the path of a real sign-in without the pages: password login at the
    gateway, the organization exchange (``organization_id`` defaults to the user's
    first organization), :class:`~django_imbrace.backends.ImbraceBackend` (which
    creates or updates the local user), ``force_login`` and the token stored in the
    session. Returns the local user.
    """
    sandbox_user = gateway.user(email)
    sdk = anonymous_client(caller="tests")
    login = sdk.login(sandbox_user.email, sandbox_user.password)
    org = organization_id or login["organizations"][0]["organization_id"]
    sdk.set_access_token(login["token"])
    sdk.http.organization_id = org
    access = sdk.auth.exchange_access_token(org)
    expires_at = parse_expiry(access.get("expired_at"))
    if expires_at is None:
        raise AssertionError("the gateway's exchange answer has no expired_at")
    grant = AccessGrant(access["token"], org, expires_at)
    user = authenticate(None, imbrace_access_token=grant)
    if user is None:
        raise AssertionError(f"{email} could not sign in (inactive, or user creation is off)")
    client.force_login(user, backend=BACKEND)
    session = client.session
    identity = getattr(user, "imbrace_identity", None)
    user_id = identity.imbrace_user_id if identity is not None else ""
    keep_grant(session, replace(grant, imbrace_user_id=user_id))
    session.save()
    return user


class ImbraceSandboxMixin:
    """For ``TestCase`` classes: one sandbox per class, reset before each test.

    ``self.imbrace_gateway`` is the gateway; ``IMBRACE_GATEWAY`` points at it.
    ``self.imbrace_sign_in(email)`` signs ``self.client`` in (see :func:`sign_in`).
    """

    imbrace_gateway: SandboxGateway
    imbrace_seed = "demo"
    _imbrace_settings: override_settings

    @classmethod
    def setUpClass(cls) -> None:
        cls.imbrace_gateway = SandboxGateway(seed=cls.imbrace_seed).start()
        cls._imbrace_settings = override_settings(IMBRACE_GATEWAY=cls.imbrace_gateway.url)
        cls._imbrace_settings.enable()
        super().setUpClass()  # type: ignore[misc]

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()  # type: ignore[misc]
        cls._imbrace_settings.disable()
        cls.imbrace_gateway.stop()

    def setUp(self) -> None:
        self.imbrace_gateway.reset(seed=self.imbrace_seed)
        super().setUp()  # type: ignore[misc]

    def imbrace_sign_in(self, email: str, organization_id: str | None = None) -> Any:
        return sign_in(self.client, self.imbrace_gateway, email, organization_id)  # type: ignore[attr-defined]


try:
    import pytest
except ImportError:  # pytest is optional: TestCase users need only the mixin
    pass
else:

    @pytest.fixture(scope="session")
    def imbrace_sandbox() -> Iterator[SandboxGateway]:
        """One sandbox gateway (demo seed) for the whole test session."""
        with SandboxGateway(seed="demo") as gateway:
            yield gateway

    @pytest.fixture
    def imbrace_gateway(imbrace_sandbox: SandboxGateway) -> Iterator[SandboxGateway]:
        """The session's sandbox, reset to the demo seed, with ``IMBRACE_GATEWAY`` set to it."""
        imbrace_sandbox.reset(seed="demo")
        with override_settings(IMBRACE_GATEWAY=imbrace_sandbox.url):
            yield imbrace_sandbox

    @pytest.fixture
    def imbrace_sign_in(imbrace_gateway: SandboxGateway) -> Callable[..., Any]:
        """``imbrace_sign_in(client, email, organization_id=None)``: see :func:`sign_in`."""

        def _sign_in(client: Any, email: str, organization_id: str | None = None) -> Any:
            return sign_in(client, imbrace_gateway, email, organization_id)

        return _sign_in
