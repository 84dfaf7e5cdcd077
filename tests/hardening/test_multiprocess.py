"""Two server processes of the example site sharing one database, one cache and one
sandbox gateway process: limits, sessions and sign-out hold across processes.

PostgreSQL and Redis when ``DATABASE_URL``/``CACHE_URL`` name them (``.ci/run``'s second
pass), else a temporary SQLite file and a ``FileBasedCache`` directory.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from .servers import (
    SandboxProcess,
    SiteServer,
    csrf_token,
    migrate,
    shared_infrastructure,
    site_environment,
)

LOGIN = "/imbrace/login/"
PASSWORD = "/imbrace/login/password/"
ORGANIZATION = "/imbrace/login/organization/"
LOGOUT = "/imbrace/logout/"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SandboxProcess, list[str]]]:
    workdir: Path = tmp_path_factory.mktemp("cluster")
    infrastructure = shared_infrastructure(workdir)
    with SandboxProcess() as sandbox:
        env = site_environment(infrastructure, sandbox.url)
        migrate(env)
        servers = [SiteServer(env, workdir / f"server{n}.log").start() for n in (1, 2)]
        try:
            for server in servers:
                server.wait_ready()
            yield sandbox, [server.url for server in servers]
        finally:
            for server in servers:
                server.stop()


def _wait_for_a_fresh_minute() -> None:
    """Rate windows are fixed minutes: start well inside one."""
    into = time.time() % 60
    if into > 57:
        time.sleep(60.2 - into)


def _ask_code(base: str, email: str) -> int:
    with httpx.Client(base_url=base, timeout=10) as client:
        token = csrf_token(client, LOGIN)
        response = client.post(LOGIN, data={"email": email, "csrfmiddlewaretoken": token})
        return response.status_code


def test_code_limit_holds_across_processes(cluster: tuple[SandboxProcess, list[str]]) -> None:
    sandbox, (first, second) = cluster
    email = f"mp-{secrets.token_hex(6)}@example.com"  # unknown addresses are limited alike
    _wait_for_a_fresh_minute()
    before = sandbox.requests("otp_request")
    statuses = [_ask_code(base, email) for base in (first, second, first, second, first)]
    assert statuses == [302, 302, 302, 429, 429]
    assert sandbox.requests("otp_request") - before == 3


def test_session_and_sign_out_across_processes(cluster: tuple[SandboxProcess, list[str]]) -> None:
    _sandbox, (first, second) = cluster
    with httpx.Client(timeout=10) as browser:  # one cookie jar: a load balancer in front
        token = csrf_token(browser, first + PASSWORD)
        response = browser.post(
            first + PASSWORD,
            data={
                "email": "alice@example.com",
                "password": "alice-password",
                "csrfmiddlewaretoken": token,
            },
        )
        assert response.status_code == 302
        dashboard = browser.get(second + "/dashboard/")
        assert dashboard.status_code == 200
        assert "Acme Corp" in dashboard.text
        assert browser.get(first + "/api/me/").json()["email"] == "alice@example.com"
        token = csrf_token(browser, second + LOGIN)
        assert browser.post(second + LOGOUT, data={"csrfmiddlewaretoken": token}).status_code == 302
        after = browser.get(first + "/dashboard/")
        assert after.status_code == 302
        assert after.headers["location"].startswith(LOGIN)
        json_only = {"accept": "application/json"}
        assert browser.get(first + "/api/me/", headers=json_only).status_code == 401


def test_double_submit_to_both_processes_at_once(cluster: tuple[SandboxProcess, list[str]]) -> None:
    """The organization choice posted to both processes at the same instant: at most one
    exchange is made with the single-use login token, and neither answers a 500."""
    sandbox, (first, second) = cluster
    with httpx.Client(timeout=10) as browser:
        token = csrf_token(browser, first + PASSWORD)
        response = browser.post(
            first + PASSWORD,
            data={
                "email": "bob@example.com",
                "password": "bob-password",
                "csrfmiddlewaretoken": token,
            },
        )
        assert response.headers["location"] == ORGANIZATION
        orgs = sandbox.control("GET", "/seed")["organizations"]
        globex = next(o["id"] for o in orgs if o["name"] == "Globex")
        cookies = dict(browser.cookies)
        before = sandbox.requests("exchange")

        def choose(base: str) -> int:
            with httpx.Client(timeout=10, cookies=cookies) as twin:
                data = {"organization": globex, "csrfmiddlewaretoken": token}
                return twin.post(base + ORGANIZATION, data=data).status_code

        with ThreadPoolExecutor(2) as pool:
            statuses = list(pool.map(choose, (first, second)))
        assert 500 not in statuses
        assert 302 in statuses
        assert sandbox.requests("exchange") - before <= 2
