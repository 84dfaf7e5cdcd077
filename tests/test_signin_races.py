"""Limits under parallel requests: a slot is reserved before the gateway is called, so
requests sent at the same instant never get more gateway calls than a limit allows."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client

from django_imbrace.models import ImbraceIdentity
from django_imbrace.sandbox import SandboxGateway
from tests.fixtures_signin import ALICE, CODE, ask_code, password_login, pending, requests

T = TypeVar("T")

THREADS = 12


@pytest.fixture(autouse=True)
def _sessions_in_the_cache(settings: Any) -> None:
    """Sessions in the (thread-shared) local-memory cache: SQLite's in-memory test
    database locks its tables against concurrent writers, which is not what is tested."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"


def in_parallel(work: Callable[[int], T]) -> list[T]:
    """``work(0)`` ... ``work(THREADS - 1)``, each in its own thread, all released at once
    (each thread closes its own database connection)."""
    start = threading.Barrier(THREADS)

    def run(i: int) -> T:
        try:
            start.wait()
            return work(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


def test_parallel_code_requests_for_one_email(gateway_settings: SandboxGateway) -> None:
    """3 per minute per e-mail: twelve flows asking at once, three reach the gateway."""
    clients = [Client(REMOTE_ADDR=f"10.1.0.{i}") for i in range(THREADS)]
    statuses = in_parallel(lambda i: ask_code(clients[i], ALICE).status_code)
    assert requests(gateway_settings) == {"otp_request": 3}
    assert sorted(statuses) == [302] * 3 + [429] * (THREADS - 3)


def test_parallel_wrong_codes_in_one_flow(gateway_settings: SandboxGateway) -> None:
    """3 wrong codes per issued code: twelve guesses posted at once in the same flow
    (one session), three reach the gateway."""
    sandbox = gateway_settings
    browser = Client()
    ask_code(browser, ALICE)
    wrong = "ZZZZZ9" if sandbox.last_code(ALICE) != "ZZZZZ9" else "ZZZZZ8"
    session = browser.cookies["sessionid"].value

    def twin(_i: int) -> Client:
        client = Client()
        client.cookies["sessionid"] = session
        return client

    twins = [twin(i) for i in range(THREADS)]
    statuses = in_parallel(lambda i: twins[i].post(CODE, {"code": wrong}).status_code)
    assert requests(sandbox) == {"otp_request": 1, "authenticate": 3}
    assert 500 not in statuses
    # The flow is over for good: even the right code is refused without a gateway call.
    response = browser.post(CODE, {"code": sandbox.last_code(ALICE)})
    assert response.status_code == 302
    assert "_auth_user_id" not in browser.session
    assert requests(sandbox)["authenticate"] == 3
    assert pending(browser) is None


def test_parallel_wrong_passwords_for_one_email(gateway_settings: SandboxGateway) -> None:
    """5 failures per 5 minutes per e-mail: twelve wrong passwords at once (from twelve
    addresses), five reach the gateway."""
    clients = [Client(REMOTE_ADDR=f"10.2.0.{i}") for i in range(THREADS)]
    statuses = in_parallel(lambda i: password_login(clients[i], ALICE, "nope").status_code)
    assert requests(gateway_settings) == {"authenticate": 5}
    assert sorted(statuses) == [200] * 5 + [429] * (THREADS - 5)


def test_two_first_sign_ins_of_one_account_at_once(gateway_settings: SandboxGateway) -> None:
    """Both succeed, as one local user. The race is forced, not hoped for: right after
    the first sign-in finds no local identity, the second runs to completion (its user
    and identity committed), so the first one's insert meets the conflict.

    (Threads cannot force this interleaving, and SQLite's in-memory test database
    answers concurrent writers with "database table is locked" instead.)
    """
    first, second = Client(), Client()
    identity_table = ImbraceIdentity._meta.db_table
    interleaved: list[int] = []

    def the_second_sign_in_runs_here(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        result = execute(sql, params, many, context)
        if not interleaved and sql.startswith("SELECT") and identity_table in sql:
            interleaved.append(0)  # once: the second sign-in's own queries pass through
            interleaved[0] = password_login(second, ALICE).status_code
        return result

    with connection.execute_wrapper(the_second_sign_in_runs_here):
        response = password_login(first, ALICE)
    assert interleaved == [302]
    assert response.status_code == 302
    assert get_user_model().objects.count() == 1
    identity = ImbraceIdentity.objects.get()
    assert identity.imbrace_user_id == gateway_settings.user(ALICE).id
    for client in (first, second):
        assert client.session["_auth_user_id"] == str(identity.user_id)
