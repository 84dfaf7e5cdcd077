"""The transport's guarantees at the edges: total time budget, odd bodies, secrets in reports."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from django_imbrace.client import aclient_for_token, client_for_token
from django_imbrace.errors import GatewayUnreachable, MalformedResponse
from django_imbrace.pools import pools
from django_imbrace.sandbox import Fault, SandboxGateway
from tests.fixtures_request import SignedIn


class RawGateway:
    """A TCP peer that answers every request with ``answer(connection)`` (a misbehaving gateway)."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.requests = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                self.requests += 1
                with contextlib.suppress(OSError):
                    self.answer(connection)

    def close(self) -> None:
        self._listener.close()
        self._thread.join(timeout=5)


@pytest.fixture
def raw_gateway(settings: Any) -> Iterator[Any]:
    started: list[RawGateway] = []

    def start(answer: Any) -> RawGateway:
        gateway = RawGateway(answer)
        settings.IMBRACE_GATEWAY = gateway.url
        started.append(gateway)
        return gateway

    yield start
    for gateway in started:
        gateway.close()


def trickle(connection: socket.socket) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    connection.sendall(b"Content-Length: 40\r\n\r\n")
    for _ in range(40):
        connection.sendall(b" ")
        time.sleep(0.1)


def slow_headers(connection: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n":
        connection.sendall(bytes([byte]))
        time.sleep(0.1)


def bad_gzip(connection: socket.socket) -> None:
    body = b"this is not gzip at all"
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )


@pytest.mark.parametrize("answer", [trickle, slow_headers], ids=["body", "headers"])
def test_a_trickling_gateway_is_cut_off_at_the_budget(
    raw_gateway: Any, settings: Any, answer: Any
) -> None:
    settings.IMBRACE_TIMEOUT = 0.5
    settings.IMBRACE_RETRIES = 0
    raw_gateway(answer)
    started = time.monotonic()
    with pytest.raises(GatewayUnreachable, match="timed out"):
        client_for_token("acc_x").platform.get_me()
    assert time.monotonic() - started < 1.5  # the trickle alone would take 4-5 s


def test_a_trickling_gateway_is_cut_off_in_async_code_too(raw_gateway: Any, settings: Any) -> None:
    settings.IMBRACE_TIMEOUT = 0.5
    settings.IMBRACE_RETRIES = 0
    raw_gateway(trickle)

    async def call() -> float:
        started = time.monotonic()
        with pytest.raises(GatewayUnreachable):
            await aclient_for_token("acc_x").platform.get_me()
        return time.monotonic() - started

    assert asyncio.run(call()) < 1.5


def test_an_undecodable_body_fails_once_per_attempt_without_sdk_retries(
    raw_gateway: Any, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.IMBRACE_RETRIES = 1
    gateway = raw_gateway(bad_gzip)
    caplog.set_level(logging.DEBUG, logger="imbrace")
    with pytest.raises(GatewayUnreachable):
        client_for_token("acc_x").platform.get_me()
    assert gateway.requests == 2  # our one retry; the SDK's loop (4 attempts, sleeps) never ran
    assert not [r for r in caplog.records if r.name == "imbrace" and r.levelno >= logging.WARNING]


@pytest.mark.parametrize("body", [5, "null", '"text"', ""])
def test_a_success_body_that_is_not_a_json_object_or_list_is_malformed(
    gateway: SandboxGateway, alice: SignedIn, body: Any
) -> None:
    gateway.inject("me", Fault.status(200, body))
    with pytest.raises(MalformedResponse):
        client_for_token(alice.token).platform.get_me()


def test_a_views_own_json_error_is_not_mistaken_for_an_outage(alice: SignedIn) -> None:
    with pytest.raises(json.JSONDecodeError):
        alice.client.get("/r/own-json-error/")


def test_an_unhandled_gateway_error_report_never_shows_the_token(
    alice: SignedIn, settings: Any
) -> None:
    settings.DEBUG = True  # the technical 500 page shows every frame's local variables
    client = Client(raise_request_exception=False)
    client.cookies = alice.client.cookies

    response = client.get("/r/missing-board/", headers={"accept": "text/html"})

    assert response.status_code == 500
    page = response.content.decode()
    assert "GatewayError" in page
    assert alice.token not in page


def test_an_error_outside_the_sdk_never_shows_the_token_either(
    alice: SignedIn, settings: Any
) -> None:
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.cookies = alice.client.cookies

    response = client.get("/r/board/", {"id": "x\x01y"}, headers={"accept": "text/html"})

    assert response.status_code == 500
    page = response.content.decode()
    assert "InvalidURL" in page
    assert alice.token not in page


def test_a_short_lived_event_loop_closes_its_pool(gateway: SandboxGateway, alice: SignedIn) -> None:
    async def call() -> str:
        profile = await aclient_for_token(alice.token).platform.get_me()
        return str(profile["email"])

    for _ in range(3):
        assert asyncio.run(call()) == "alice@example.com"
        assert pools._async == {}  # closed by the loop's shutdown_asyncgens()
