"""request.aimbrace in async views, through Django's AsyncClient, across event loops."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import imbrace
import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction, sync_to_async
from django.db import connections
from django.test import AsyncClient, Client
from django.utils.functional import empty

from django_imbrace.client import aclose_pool
from django_imbrace.middleware import ImbraceMiddleware
from django_imbrace.sandbox import Fault, SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY
from tests.fixtures_request import SignedIn, expired, write_grant

pytestmark = pytest.mark.django_db(transaction=True)

T = TypeVar("T")


def async_client_for(client: Client) -> AsyncClient:
    """An AsyncClient sharing ``client``'s session cookie."""
    async_client = AsyncClient()
    async_client.cookies = client.cookies
    return async_client


def in_new_loop(step: Callable[[], Awaitable[T]]) -> T:
    """Run ``step`` in a fresh event loop and close that loop's pool before it ends."""

    async def run() -> T:
        try:
            return await step()
        finally:
            await aclose_pool()
            # The ORM ran in asgiref's thread-sensitive executor thread: close its
            # connections there, or PostgreSQL cannot drop the test database at the end.
            await sync_to_async(connections.close_all)()

    return asyncio.run(run())


def test_async_view_sends_the_users_token(alice: SignedIn, gateway: SandboxGateway) -> None:
    client = async_client_for(alice.client)
    response = in_new_loop(lambda: client.get("/r/ame/"))
    assert response.status_code == 200
    assert response.json() == {"email": "alice@example.com"}
    assert [(c.kind, c.value) for c in gateway.stats.credentials] == [("access_token", alice.token)]
    assert isinstance(response.asgi_request.aimbrace, imbrace.AsyncImbraceClient)


def test_one_async_client_resolves_its_credential_once(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    response = in_new_loop(lambda: async_client_for(alice.client).get("/r/aboth/"))
    assert response.json()["email"] == "alice@example.com"
    assert [(c.route, c.value) for c in gateway.stats.credentials] == [
        ("me", alice.token),
        ("boards", alice.token),
    ]


def test_two_event_loops_in_a_row_never_see_a_closed_loop(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    client = async_client_for(alice.client)
    for _ in range(2):
        response = in_new_loop(lambda: client.get("/r/ame/"))
        assert response.status_code == 200
    assert gateway.stats.requests["me"] == 2


def test_async_to_sync_loops_work_too(alice: SignedIn, gateway: SandboxGateway) -> None:
    client = async_client_for(alice.client)

    async def step() -> Any:
        try:
            return await client.get("/r/aboards/")
        finally:
            await aclose_pool()

    first, second = async_to_sync(step)(), async_to_sync(step)()
    assert first.status_code == second.status_code == 200
    assert "Contacts" in second.json()["boards"]


def test_untouched_async_request_builds_nothing(alice: SignedIn, gateway: SandboxGateway) -> None:
    client = async_client_for(alice.client)
    response = in_new_loop(lambda: client.get("/r/untouched/"))
    assert response.status_code == 200
    assert response.asgi_request.aimbrace._wrapped is empty
    assert response.asgi_request.imbrace._wrapped is empty
    assert sum(gateway.stats.requests.values()) == 0


def test_anonymous_async_view_is_sent_to_sign_in(gateway: SandboxGateway) -> None:
    client = AsyncClient()
    html = in_new_loop(lambda: client.get("/r/ame/"))
    json = in_new_loop(lambda: client.get("/r/ame/", headers={"accept": "application/json"}))
    assert html.status_code == 302
    assert "?next=/r/ame/" in html["Location"]
    assert json.status_code == 401
    assert sum(gateway.stats.requests.values()) == 0


def test_token_rejected_in_an_async_view_signs_out(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    gateway.revoke(alice.token)
    response = in_new_loop(lambda: async_client_for(alice.client).get("/r/ame/"))
    assert response.status_code == 302
    assert ACCESS_SESSION_KEY not in alice.client.session
    assert "_auth_user_id" not in alice.client.session


def test_expired_grant_in_an_async_view_makes_no_call(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    write_grant(alice.client, expired(alice.grant))
    response = in_new_loop(lambda: async_client_for(alice.client).get("/r/ame/"))
    assert response.status_code == 302
    assert sum(gateway.stats.requests.values()) == 0
    assert "_auth_user_id" not in alice.client.session


def test_unavailable_gateway_in_an_async_view_is_a_503(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    gateway.inject("me", Fault.malformed())
    response = in_new_loop(lambda: async_client_for(alice.client).get("/r/ame/"))
    assert response.status_code == 503


def test_async_wrap_mode_sends_the_key(wrap_mode: str, gateway: SandboxGateway) -> None:
    response = in_new_loop(lambda: AsyncClient().get("/r/ame/"))
    assert response.status_code == 200
    assert [c.value for c in gateway.stats.credentials] == [wrap_mode]


def test_middleware_is_sync_and_async_capable() -> None:
    async def async_view(request: Any) -> Any:
        return None

    assert ImbraceMiddleware.sync_capable
    assert ImbraceMiddleware.async_capable
    assert iscoroutinefunction(ImbraceMiddleware(async_view))
    assert not iscoroutinefunction(ImbraceMiddleware(lambda request: None))
