"""The ``/__sandbox__/*`` HTTP controls."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from django_imbrace.sandbox import SandboxGateway


@pytest.fixture
def http(sandbox: SandboxGateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url) as client:
        yield client


def _request_code(http: httpx.Client, email: str) -> None:
    response = http.post("/platform/v1/login/_signin_email_request", json={"email": email})
    assert response.status_code == 201


def test_outbox(sandbox: SandboxGateway, http: httpx.Client) -> None:
    assert http.get("/__sandbox__/outbox").json() == []
    _request_code(http, "alice@example.com")
    _request_code(http, "Bob@Example.com")
    outbox = http.get("/__sandbox__/outbox").json()
    assert [m["email"] for m in outbox] == ["alice@example.com", "bob@example.com"]
    assert outbox[1]["code"] == sandbox.last_code("bob@example.com")
    assert outbox[1]["sent_at"].endswith("Z")


def test_seed(sandbox: SandboxGateway, http: httpx.Client) -> None:
    seed = http.get("/__sandbox__/seed").json()
    assert seed == sandbox.seed_info()
    users = {u["email"]: u for u in seed["users"]}
    assert set(users) == {"alice@example.com", "bob@example.com", "carol@example.com"}
    assert users["alice@example.com"]["password"] == "alice-password"
    assert users["carol@example.com"]["active"] is False
    assert users["alice@example.com"]["id"].startswith("pub_")
    orgs = {o["name"]: o for o in seed["organizations"]}
    assert set(orgs) == {"Acme Corp", "Globex"}
    assert len(users["bob@example.com"]["organizations"]) == 2
    assert all(len(o["api_keys"]) == 1 for o in seed["organizations"])


def test_faults(sandbox: SandboxGateway, http: httpx.Client) -> None:
    spec = {"route": "health", "kind": "status", "status": 503, "times": 1}
    assert http.post("/__sandbox__/faults", json=spec).json() == {"ok": True}
    assert http.get("/").status_code == 503
    assert http.get("/").status_code == 200

    http.post("/__sandbox__/faults", json={"route": "health", "kind": "html", "status": 504})
    assert http.get("/").headers["content-type"] == "text/html"
    assert http.delete("/__sandbox__/faults").status_code == 200
    assert http.get("/").status_code == 200

    for kind in ("malformed", "delay"):
        http.post("/__sandbox__/faults", json={"route": "health", "kind": kind, "times": 1})
        assert http.get("/").status_code == 200
    http.post("/__sandbox__/faults", json={"route": "health", "kind": "drop", "times": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(sandbox.url + "/")

    bad = [{"route": "nope", "kind": "drop"}, {"route": "me", "kind": "explode"}]
    for spec in bad:
        assert http.post("/__sandbox__/faults", json=spec).status_code == 400


def test_stats(sandbox: SandboxGateway, http: httpx.Client) -> None:
    http.get("/", headers={"x-access-token": "acc_x", "x-organization-id": "org_y"})
    http.get("/__sandbox__/outbox")
    stats = http.get("/__sandbox__/stats").json()
    assert stats["requests"]["health"] == 1
    assert sum(stats["requests"].values()) == 1  # controls are not counted
    assert stats["connections"] == 1  # ... but their connections are
    assert stats["credentials"] == [
        {
            "route": "health",
            "kind": "access_token",
            "value": "acc_x",
            "organization_header": "org_y",
        }
    ]
    assert http.delete("/__sandbox__/stats").status_code == 200
    assert http.get("/__sandbox__/stats").json()["credentials"] == []


def test_clock(sandbox: SandboxGateway, http: httpx.Client) -> None:
    _request_code(http, "alice@example.com")
    answer = http.post("/__sandbox__/clock", json={"advance": 15 * 60 + 1})
    assert answer.status_code == 200
    assert answer.json()["now"].endswith("Z")
    login = http.post(
        "/platform/v1/login/authenticate",
        json={"email": "alice@example.com", "otp": sandbox.last_code("alice@example.com")},
    )
    assert login.json() == {"code": 40000, "message": "Expired OTP"}
    assert http.post("/__sandbox__/clock", json={"advance": -1}).status_code == 400


def test_revoke(sandbox: SandboxGateway, http: httpx.Client) -> None:
    key = sandbox.api_keys(sandbox.organizations[0].id)[0]
    assert http.get("/data-board/boards", headers={"x-api-key": key}).status_code == 200
    assert http.post("/__sandbox__/revoke", json={"token": key}).json() == {"revoked": True}
    assert http.get("/data-board/boards", headers={"x-api-key": key}).status_code == 401
    assert http.post("/__sandbox__/revoke", json={"token": key}).json() == {"revoked": False}
    assert http.post("/__sandbox__/revoke", json={}).status_code == 400


def test_reset(sandbox: SandboxGateway, http: httpx.Client) -> None:
    _request_code(http, "alice@example.com")
    old_ids = {o.id for o in sandbox.organizations}
    assert http.post("/__sandbox__/reset", json={"seed": "empty"}).status_code == 200
    assert sandbox.organizations == []
    assert sandbox.outbox == []
    assert http.post("/__sandbox__/reset", json={}).status_code == 200
    assert {o.name for o in sandbox.organizations} == {"Acme Corp", "Globex"}
    assert not old_ids & {o.id for o in sandbox.organizations}
    assert http.post("/__sandbox__/reset", json={"seed": "nope"}).status_code == 400


def test_unknown_control(http: httpx.Client) -> None:
    assert http.get("/__sandbox__/nothing").status_code == 404
    assert http.get("/__sandbox__/reset").status_code == 404
