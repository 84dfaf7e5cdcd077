"""The server itself: keep-alive, concurrency, lifecycle and the command lines."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest

from django_imbrace.sandbox import SandboxGateway

ROOT = Path(__file__).resolve().parent.parent


def test_keep_alive_reuses_one_connection(sandbox: SandboxGateway) -> None:
    key = sandbox.api_keys(sandbox.organizations[0].id)[0]
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": key}) as client:
        for _ in range(25):
            assert client.get("/").status_code == 200
            assert client.get("/data-board/boards").status_code == 200
    assert sandbox.stats.connections == 1
    assert sandbox.stats.requests["boards"] == 25
    assert sandbox.stats.requests["health"] == 25


def test_every_response_has_a_content_length(sandbox: SandboxGateway) -> None:
    with httpx.Client(base_url=sandbox.url) as client:
        response = client.get("/nope")
        assert response.headers["content-length"] == str(len(response.content))
        head = client.head("/")  # no body, and the connection stays usable
        assert (head.status_code, head.content) == (404, b"")
        assert client.delete("/platform/v1/account").json() == {"message": "Not found"}
    assert sandbox.stats.connections == 1


def _access_token(sandbox: SandboxGateway, email: str, org_id: str) -> str:
    login = httpx.post(
        sandbox.url + "/platform/v1/login/authenticate",
        json={"email": email, "password": email.split("@")[0] + "-password"},
    ).json()
    access = httpx.post(
        sandbox.url + "/platform/v1/access/_exchange_access_token",
        headers={"x-access-token": login["token"]},
        json={"organization_id": org_id},
    ).json()
    return str(access["token"])


def test_concurrent_clients_with_different_credentials(sandbox: SandboxGateway) -> None:
    acme, globex = sandbox.organizations
    headers: list[dict[str, str]] = []
    for i in range(6):
        email, org = ("alice@example.com", acme.id) if i % 2 else ("bob@example.com", globex.id)
        headers.append({"x-access-token": _access_token(sandbox, email, org)})
    headers += [
        {"x-api-key": sandbox.add_api_key(acme.id)},
        {"x-api-key": sandbox.add_api_key(globex.id)},
    ]
    sandbox.reset_stats()
    errors: list[BaseException] = []

    def work(own: dict[str, str]) -> None:
        try:
            with httpx.Client(base_url=sandbox.url, headers=own) as client:
                for n in range(25):
                    path = "/platform/v1/users/_me" if n % 2 else "/data-board/boards"
                    response = client.get(path)
                    assert response.status_code == 200, response.text
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(h,)) for h in headers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    credentials = sandbox.stats.credentials
    assert len(credentials) == 200
    seen = Counter(c.value for c in credentials)
    assert seen == Counter({next(iter(h.values())): 25 for h in headers})
    kinds = Counter(c.kind for c in credentials)
    assert kinds == {"access_token": 150, "api_key": 50}
    assert sandbox.stats.connections == 8
    assert sandbox.stats.requests["me"] + sandbox.stats.requests["boards"] == 200


def test_clients_that_hang_up_do_not_hurt_the_server(sandbox: SandboxGateway) -> None:
    host, port = sandbox.url.removeprefix("http://").split(":")
    for payload in (b"", b"GET / HTTP/1.1\r\n", b"POST / HTTP/1.1\r\nContent-Length: 50\r\n\r\n{"):
        with socket.create_connection((host, int(port))) as raw:
            raw.sendall(payload)
    assert httpx.get(sandbox.url + "/").status_code == 200


def test_lifecycle() -> None:
    gateway = SandboxGateway(seed="empty")
    with gateway:
        url = gateway.url
        assert url.startswith("http://127.0.0.1:")
        assert not url.endswith("/")
        assert gateway.organizations == []
        idle = httpx.Client()
        assert idle.get(url + "/").status_code == 200  # an idle keep-alive connection
    gateway.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/")
    idle.close()


def _run(args: list[str], env: dict[str, str] | None = None) -> tuple[str, str]:
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    url = first.rsplit(" ", 1)[-1].strip()
    try:
        response = httpx.get(url + "/", timeout=5)
        assert response.json()["env"] == "sandbox"
    finally:
        process.terminate()
        # Read through the same buffered pipe as readline() (communicate() would skip
        # whatever readline() had already buffered).
        rest = process.stdout.read()
        assert process.stderr is not None
        errors = process.stderr.read()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == 0, errors
    return first + rest, url


def test_cli_prints_the_url_and_demo_accounts() -> None:
    output, url = _run(["-m", "django_imbrace.sandbox", "--port", "0", "--print-codes"])
    assert url.startswith("http://127.0.0.1:")
    for expected in ("alice@example.com / alice-password", "Acme Corp", "Globex", "API key: api_"):
        assert expected in output
    assert "(deactivated)" in output
    assert output.rstrip().endswith("stopped.")


def test_management_command() -> None:
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)}
    output, _ = _run(["-m", "django", "imbrace_sandbox", "--port", "0", "--seed", "empty"], env)
    assert "Imbrace sandbox gateway running at http://127.0.0.1:" in output
    assert "alice" not in output
