"""The JSON API through Django's async test client (ASGI handler), CSRF enforced."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.test import AsyncClient

from django_imbrace.sandbox import SandboxGateway
from tests.fixtures_api import check_response, url
from tests.fixtures_signin import ALICE, requests


@pytest.mark.django_db(transaction=True)
def test_code_flow_over_asgi(sandbox: SandboxGateway, settings: Any) -> None:
    settings.IMBRACE_GATEWAY = sandbox.url
    cache.clear()

    async def run() -> list[tuple[str, str, Any]]:
        client = AsyncClient(enforce_csrf_checks=True)
        seen = [("GET", url("csrf"), await client.get(url("csrf")))]
        token = seen[0][2].json()["csrf_token"]

        async def post(name: str, body: dict[str, str]) -> Any:
            response = await client.post(
                url(name), body, content_type="application/json", headers={"X-CSRFToken": token}
            )
            seen.append(("POST", url(name), response))
            return response

        await post("request-code", {"email": ALICE})
        await post("verify-code", {"code": sandbox.last_code(ALICE)})
        seen.append(("GET", url("me"), await client.get(url("me"))))
        return seen

    seen = async_to_sync(run)()
    for method, path, response in seen:
        check_response(method, path, response)
    assert [response.status_code for _, _, response in seen] == [200, 200, 200, 200]
    assert seen[2][2].json()["stage"] == "done"
    assert seen[3][2].json()["imbrace"]["active"] is True
    assert requests(sandbox) == {"otp_request": 1, "authenticate": 1, "exchange": 1, "me": 1}
