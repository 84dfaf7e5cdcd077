"""The Python API of :class:`SandboxGateway`: data, clock, outbox, counters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from imbrace import ApiError, ImbraceClient

from django_imbrace.sandbox import Fault, SandboxGateway

Sdk = Callable[..., ImbraceClient]


def test_add_organization_user_membership_and_key(sandbox: SandboxGateway, sdk: Sdk) -> None:
    org = sandbox.add_organization("Initech")
    assert org.id.startswith("org_")
    assert sandbox.organization(org.id).name == "Initech"
    user = sandbox.add_user(
        "Peter@Initech.example",
        "tps",
        first_name="Peter",
        last_name="Gibbons",
        organizations=[org.id],
        role="admin",
    )
    assert user.email == "peter@initech.example"
    assert user.id.startswith("pub_")
    assert user.internal_id.startswith("u_")
    assert user.display_name == "Peter Gibbons"
    assert user.organization_ids == [org.id]
    acme = sandbox.organizations[0].id
    sandbox.add_membership("peter@initech.example", acme)
    assert sandbox.user("PETER@initech.example").organization_ids == [org.id, acme]

    key = sandbox.add_api_key(org.id)
    assert key.startswith("api_")
    assert len(sandbox.api_keys(org.id)) == 2
    client = sdk(api_key=key)
    assert [b["name"] for b in client.boards.list()["data"]][:2] == ["Contacts", "Companies"]

    login = sdk().login("peter@initech.example", "tps")
    assert [(m["display_name"], m["role"]) for m in login["organizations"]] == [
        ("Initech", "admin"),
        ("Acme Corp", "member"),
    ]


def test_records_are_copies(sandbox: SandboxGateway) -> None:
    user = sandbox.user("alice@example.com")
    user.organization_ids.append("org_fake")
    user.password = "changed"
    assert sandbox.user("alice@example.com").password == "alice-password"
    assert "org_fake" not in sandbox.user("alice@example.com").organization_ids


def test_add_user_validation(sandbox: SandboxGateway) -> None:
    with pytest.raises(ValueError, match="already exists"):
        sandbox.add_user("ALICE@example.com", "x")
    with pytest.raises(KeyError):
        sandbox.add_user("new@example.com", "x", organizations=["org_missing"])
    with pytest.raises(KeyError):
        sandbox.user("nobody@example.com")


def test_otp_only_user_cannot_use_a_password(sandbox: SandboxGateway, sdk: Sdk) -> None:
    org = sandbox.organizations[0].id
    sandbox.add_user("otp@example.com", organizations=[org])
    client = sdk()
    with pytest.raises(ApiError, match="40005"):
        client.login("otp@example.com", "guess")
    client.request_otp("otp@example.com")
    client.login_with_otp("otp@example.com", sandbox.last_code("otp@example.com"))


def test_clock_and_reset(sandbox: SandboxGateway) -> None:
    before = sandbox.clock.now()
    sandbox.advance(3600)
    assert sandbox.clock.now() - before >= timedelta(hours=1)
    with pytest.raises(ValueError):
        sandbox.advance(-1)
    sandbox.inject("health", Fault.drop())
    sandbox.reset(seed="empty")
    assert sandbox.clock.now() - before < timedelta(minutes=1)
    assert sandbox.users == []
    assert sandbox.stats.requests["health"] == 0
    with pytest.raises(ValueError, match="unknown sandbox seed"):
        sandbox.reset(seed="nope")


def test_print_codes(capsys: pytest.CaptureFixture[str], sdk: Sdk) -> None:
    with SandboxGateway(print_codes=True) as gateway:
        gateway.add_user("printed@example.com")
        with ImbraceClient(gateway=gateway.url, api_key="api_unused") as client:
            client.request_otp("printed@example.com")
        code = gateway.last_code("printed@example.com")
    assert f"printed@example.com: {code}" in capsys.readouterr().out


def test_fault_constructors() -> None:
    assert Fault.delay(1).seconds == 1.0
    assert Fault.status(404).body == b'{"message": "Not found"}'
    assert Fault.status(599).body == b'{"message": "Error"}'
    assert Fault.html(503).code == 503
    assert b"503 Service Unavailable" in Fault.html(503).body
    assert Fault.from_json({"kind": "status"}).code == 500
    with pytest.raises(ValueError):
        Fault.from_json({"kind": "boom"})
