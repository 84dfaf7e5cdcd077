"""One pool per process: keep-alive reuse, close-safety, fork-safety, no cross-talk."""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
import time
import warnings
from collections import Counter
from typing import Any

import imbrace
import pytest
from django.db import connections
from django.test import Client

from django_imbrace.client import aclient_for_token, aclose_pool, client_for_token, close_pool
from django_imbrace.conf import conf
from django_imbrace.pools import pools
from django_imbrace.sandbox import Fault, SandboxGateway
from tests.fixtures_request import SignedIn, sign_in


def test_a_thousand_sequential_requests_stay_within_the_pool(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    close_pool()  # start from no open connection, so the count below is all ours
    gateway.reset_stats()
    for _ in range(1000):
        assert alice.client.get("/r/me/").status_code == 200
    assert gateway.stats.requests["me"] == 1000
    assert 1 <= gateway.stats.connections <= conf.POOL_SIZE


def test_closing_a_requests_client_never_closes_the_pool(
    alice: SignedIn, gateway: SandboxGateway
) -> None:
    close_pool()
    gateway.reset_stats()
    for _ in range(3):
        response = alice.client.get("/r/me-then-close/")
        assert response.json() == {"email": "alice@example.com"}
    assert gateway.stats.connections == 1  # the same keep-alive connection every time


def test_clients_are_never_shared_but_the_pool_is(alice: SignedIn) -> None:
    first = client_for_token(alice.token, alice.grant.organization_id)
    second = client_for_token(alice.token, alice.grant.organization_id)
    assert first is not second
    assert first.http is not second.http
    first.platform.get_me()
    pool = pools.sync()
    second.platform.get_me()
    assert pools.sync() is pool


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_builds_its_own_pool(alice: SignedIn, gateway: SandboxGateway) -> None:
    close_pool()
    gateway.reset_stats()
    parent = client_for_token(alice.token, alice.grant.organization_id)
    parent.platform.get_me()
    parent_pool = pools.sync()
    assert gateway.stats.connections == 1

    with warnings.catch_warnings():  # 3.12+: "fork() may lead to deadlocks" (threads exist)
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit status
        status = 1
        try:
            child = client_for_token(alice.token, alice.grant.organization_id)
            fresh = pools.sync() is not parent_pool
            status = 0 if fresh and child.platform.get_me()["email"] == "alice@example.com" else 2
        finally:
            os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(wait_status) == 0
    assert gateway.stats.connections == 2  # the child opened its own connection

    assert parent.platform.get_me()["email"] == "alice@example.com"
    assert pools.sync() is parent_pool
    assert gateway.stats.connections == 2  # the parent's socket was left alone


@pytest.mark.django_db(transaction=True)
def test_eight_threads_interleaving_two_users_never_cross_talk(gateway: SandboxGateway) -> None:
    users = {
        "alice@example.com": sign_in(Client(), "alice@example.com"),
        "bob@example.com": sign_in(Client(), "bob@example.com"),
    }
    gateway.reset_stats()
    rounds = 25
    start = threading.Barrier(8)
    results: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(email: str) -> None:
        try:
            client = Client()  # one test client per thread, sharing the user's session
            client.cookies = users[email].client.cookies
            start.wait()
            for _ in range(rounds):
                response = client.get("/r/me/")
                with lock:
                    results.append((email, response.json()["email"]))
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    emails = ["alice@example.com", "bob@example.com"] * 4
    threads = [threading.Thread(target=worker, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == 8 * rounds
    assert all(expected == seen for expected, seen in results)
    order = [c.value for c in gateway.stats.credentials]
    assert sum(a != b for a, b in itertools.pairwise(order)) > 1  # the users really interleaved
    tokens = Counter(c.value for c in gateway.stats.credentials if c.route == "me")
    assert tokens == {
        users["alice@example.com"].token: 4 * rounds,
        users["bob@example.com"].token: 4 * rounds,
    }


@pytest.mark.parametrize("fault", [Fault.delay(3.0), Fault.status(503)], ids=["slow", "503"])
def test_a_call_outside_a_request_is_bounded_by_the_budget(
    alice: SignedIn, gateway: SandboxGateway, settings: Any, fault: Fault
) -> None:
    settings.IMBRACE_TIMEOUT = 1.0
    gateway.inject("me", fault)
    client = client_for_token(alice.token, alice.grant.organization_id)
    started = time.monotonic()
    with pytest.raises(imbrace.ImbraceError):
        client.platform.get_me()
    assert time.monotonic() - started < settings.IMBRACE_TIMEOUT + 1.5


def test_an_async_call_is_bounded_by_the_budget(
    alice: SignedIn, gateway: SandboxGateway, settings: Any
) -> None:
    settings.IMBRACE_TIMEOUT = 1.0
    gateway.inject("me", Fault.delay(3.0))

    async def call() -> None:
        try:
            await aclient_for_token(alice.token).platform.get_me()
        finally:
            await aclose_pool()

    started = time.monotonic()
    with pytest.raises(imbrace.NetworkError):
        asyncio.run(call())
    assert time.monotonic() - started < settings.IMBRACE_TIMEOUT + 1.5
