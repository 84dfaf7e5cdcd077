"""Fixtures for the sandbox tests.

``sandbox_server`` is one :class:`SandboxGateway` for the whole session; ``sandbox`` hands it
to a test after a reset (fresh demo seed, no faults, zero counters, empty outbox), so tests
stay independent. ``sdk`` builds real ``imbrace`` clients pointed at it and closes them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from imbrace import ImbraceClient

from django_imbrace.sandbox import SandboxGateway


@pytest.fixture(scope="session")
def sandbox_server(imbrace_sandbox: SandboxGateway) -> SandboxGateway:
    """One sandbox gateway for the whole session: the public plugin's, so it is exercised too."""
    return imbrace_sandbox


@pytest.fixture
def sandbox(sandbox_server: SandboxGateway) -> SandboxGateway:
    """The session's sandbox gateway, reset to a fresh demo seed for this test."""
    sandbox_server.reset(seed="demo")
    return sandbox_server


@pytest.fixture
def sdk(sandbox: SandboxGateway) -> Iterator[Callable[..., ImbraceClient]]:
    """``sdk(**kwargs)``: a real ``ImbraceClient`` on the sandbox, closed after the test.

    Built without credentials it would warn; that warning is expected and silenced here.
    """
    clients: list[ImbraceClient] = []

    def make(**kwargs: Any) -> ImbraceClient:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "ImbraceClient: no credentials", UserWarning)
            client = ImbraceClient(gateway=sandbox.url, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
