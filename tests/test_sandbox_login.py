"""The real ``imbrace`` SDK logs in and reads data through the sandbox gateway."""

from __future__ import annotations

import asyncio
import re
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from imbrace import AsyncImbraceClient, ImbraceClient

from django_imbrace.sandbox import SandboxGateway

Sdk = Callable[..., ImbraceClient]
BOARD_NAMES = ["Contacts", "Companies", "Opportunities", "Tasks", "Product", "Opt-out"]


def _org_id(gw: SandboxGateway, name: str) -> str:
    return next(o.id for o in gw.organizations if o.name == name)


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_otp_login_select_organization_me_and_boards(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = sdk()
    client.request_otp("Alice@Example.com")
    code = sandbox.last_code("alice@example.com")
    assert re.fullmatch(r"[A-Z0-9]{6}", code)

    login = client.login_with_otp("alice@example.com", code)
    alice = sandbox.user("alice@example.com")
    acme = _org_id(sandbox, "Acme Corp")
    assert login["object_name"] == "login_access"
    assert login["token"].startswith("login_acc_")
    assert login["id"] == login["token"]
    assert login["email"] == "alice@example.com"
    assert login["user_id"] == alice.id
    expires = _parse(login["expired_at"]) - sandbox.clock.now()
    assert timedelta(hours=2, minutes=59) < expires <= timedelta(hours=3)
    assert login["expired_at"].endswith("Z")
    [membership] = login["organizations"]
    assert membership["organization_id"] == acme
    assert membership["display_name"] == "Acme Corp"
    assert membership["role"] == "owner"
    assert membership["display_name_user"] == "Alice Anderson"

    client.select_organization(acme)
    token = client.token_manager.get_token()
    assert token.startswith("acc_")

    me = client.platform.get_me()
    assert me["id"] == me["public_id"] == alice.id
    assert me["internal_id"] == alice.internal_id
    assert me["organization_id"] == acme
    assert (me["email"], me["first_name"], me["last_name"]) == (
        "alice@example.com",
        "Alice",
        "Anderson",
    )
    assert me["is_active"] is True

    boards = client.boards.list()
    assert [b["name"] for b in boards["data"]] == BOARD_NAMES
    assert boards["total"] == boards["count"] == 6
    assert {b["organization_id"] for b in boards["data"]} == {acme}
    first = client.boards.get(boards["data"][0]["id"])
    assert first["name"] == "Contacts"
    items = client.boards.list_items(first["id"], limit=2)
    assert items["count"] == 2
    assert items["total"] == first["items_count"] == 3

    credentials = sandbox.stats.credentials
    assert [c.route for c in credentials][:3] == ["otp_request", "authenticate", "exchange"]
    assert credentials[2].kind == "access_token"
    assert credentials[2].value == login["token"]
    assert credentials[-1].value == token


def test_password_login_for_a_member_of_two_organizations(
    sandbox: SandboxGateway, sdk: Sdk
) -> None:
    client = sdk()
    login = client.login("bob@example.com", "bob-password")
    roles = {m["display_name"]: m["role"] for m in login["organizations"]}
    assert roles == {"Acme Corp": "member", "Globex": "owner"}

    globex = _org_id(sandbox, "Globex")
    client.select_organization(globex)
    account = client.auth._http.request("GET", f"{sandbox.url}/platform/v1/account").json()
    assert account["object_name"] == "account"
    assert account["organization_name"] == "Globex"
    assert account["role"] == "owner"
    assert account["team_roles"] == []
    assert _parse(account["expired_at"]) - sandbox.clock.now() > timedelta(days=29)
    assert client.account.get().organization_id == globex


def test_exchange_body_matches_the_contract(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = sdk()
    client.login("alice@example.com", "alice-password")
    acme = _org_id(sandbox, "Acme Corp")
    access = client.auth.exchange_access_token(acme)
    alice = sandbox.user("alice@example.com")
    assert access["object_name"] == "access"
    assert access["token"] == access["id"]
    assert access["token"].startswith("acc_")
    assert access["refresh_token"].startswith("rtk_")
    assert access["user_id"] == alice.internal_id
    assert _parse(access["expired_at"]) - sandbox.clock.now() > timedelta(days=29, hours=23)
    creator = access["creator"]
    assert creator["object_name"] == "user"
    assert creator["id"] == creator["public_id"] == alice.id
    assert creator["organization_id"] == acme
    assert creator["role"] == "owner"


def test_api_key_client_lists_its_organization_boards(sandbox: SandboxGateway, sdk: Sdk) -> None:
    globex = _org_id(sandbox, "Globex")
    [key] = sandbox.api_keys(globex)
    assert key.startswith("api_")
    client = sdk(api_key=key, organization_id=_org_id(sandbox, "Acme Corp"))

    boards = client.boards.list(limit=0)
    assert {b["organization_id"] for b in boards["data"]} == {globex}
    me = client.platform.get_me()
    assert me["organization_id"] == globex
    assert me["email"] not in {u.email for u in sandbox.users}
    assert client.account.get().organization_id == globex

    [*_, last] = sandbox.stats.credentials
    assert (last.kind, last.value) == ("api_key", key)
    assert last.organization_header is None  # the SDK drops it in API-key mode


def test_older_login_routes_answer_without_organizations(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = sdk()
    signed_in = client.auth.sign_in("ALICE@example.com", "alice-password")
    assert signed_in["token"].startswith("login_acc_")
    assert signed_in["email"] == "alice@example.com"
    assert "organizations" not in signed_in
    assert "user_id" not in signed_in

    client.request_otp("bob@example.com")
    by_code = client.auth.signin_with_email("bob@example.com", sandbox.last_code("bob@example.com"))
    assert by_code["token"].startswith("login_acc_")
    assert "organizations" not in by_code


def test_switching_organization_keeps_the_old_token(sandbox: SandboxGateway, sdk: Sdk) -> None:
    client = sdk()
    client.login("bob@example.com", "bob-password")
    acme, globex = _org_id(sandbox, "Acme Corp"), _org_id(sandbox, "Globex")
    client.select_organization(acme)
    old = client.token_manager.get_token()
    switched = client.auth.exchange_access_token_with_token({"organization_id": globex})
    assert switched["token"] != old
    assert switched["creator"]["organization_id"] == globex

    assert client.platform.get_me()["organization_id"] == acme
    new_client = sdk(access_token=switched["token"])
    assert new_client.platform.get_me()["organization_id"] == globex


def test_boards_paging(sandbox: SandboxGateway, sdk: Sdk) -> None:
    acme = _org_id(sandbox, "Acme Corp")
    client = sdk(api_key=sandbox.api_keys(acme)[0])
    page = client.boards.list(limit=2, skip=3)
    assert [b["name"] for b in page["data"]] == ["Tasks", "Product"]
    assert (page["total"], page["count"]) == (6, 2)
    extra = sandbox.add_board(acme, "Extra")
    assert client.boards.list(limit=0)["data"][-1]["id"] == extra["id"]
    assert client.boards.list_items(extra["id"]) == {"data": [], "total": 0, "count": 0}


def test_async_client_logs_in_and_lists_boards(sandbox: SandboxGateway) -> None:
    acme = _org_id(sandbox, "Acme Corp")

    async def flow() -> tuple[dict[str, object], dict[str, object]]:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "AsyncImbraceClient: no credentials", UserWarning)
            warnings.filterwarnings("ignore", "ImbraceClient: no credentials", UserWarning)
            client = AsyncImbraceClient(gateway=sandbox.url)
        try:
            await client.request_otp("alice@example.com")
            await client.login_with_otp("alice@example.com", sandbox.last_code("alice@example.com"))
            await client.select_organization(acme)
            return await client.platform.get_me(), await client.boards.list()
        finally:
            await client.close()

    me, boards = asyncio.run(flow())
    assert me["email"] == "alice@example.com"
    assert [b["name"] for b in boards["data"]] == BOARD_NAMES  # type: ignore[union-attr]


@pytest.mark.parametrize("email", ["carol@example.com", "CAROL@example.com"])
def test_deactivated_user_can_authenticate(sandbox: SandboxGateway, sdk: Sdk, email: str) -> None:
    login = sdk().login(email, "carol-password")
    assert login["organizations"][0]["display_name"] == "Acme Corp"
