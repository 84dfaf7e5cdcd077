"""The sign-in pages through Django's async test client (ASGI handler)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.test import AsyncClient

from django_imbrace.sandbox import SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY
from tests.fixtures_signin import ALICE, CODE, LOGIN, PASSWORD, PASSWORDS, requests


@pytest.mark.django_db(transaction=True)
def test_code_flow_over_asgi(sandbox: SandboxGateway, settings: Any) -> None:
    settings.IMBRACE_GATEWAY = sandbox.url
    cache.clear()

    async def run() -> tuple[Any, ...]:
        client = AsyncClient()
        asked = await client.post(LOGIN, {"email": ALICE})
        answered = await client.post(CODE, {"code": sandbox.last_code(ALICE)})
        session = await client.asession()
        grant = await session.aget(ACCESS_SESSION_KEY)
        return asked, answered, grant

    asked, answered, grant = async_to_sync(run)()
    assert asked.status_code == 302
    assert answered.status_code == 302
    assert answered["Location"] == "/"
    assert grant["token"].startswith("acc_")
    assert requests(sandbox) == {"otp_request": 1, "authenticate": 1, "exchange": 1, "me": 1}


@pytest.mark.django_db(transaction=True)
def test_password_flow_over_asgi(sandbox: SandboxGateway, settings: Any) -> None:
    settings.IMBRACE_GATEWAY = sandbox.url
    cache.clear()

    async def run() -> Any:
        client = AsyncClient()
        wrong = await client.post(PASSWORD, {"email": ALICE, "password": "nope"})
        right = await client.post(PASSWORD, {"email": ALICE, "password": PASSWORDS[ALICE]})
        return wrong, right

    wrong, right = async_to_sync(run)()
    assert wrong.status_code == 200
    assert b"The e-mail address or password is incorrect." in wrong.content
    assert right.status_code == 302
