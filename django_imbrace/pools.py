"""The shared connection pools: one ``httpx.Client`` per process, one ``AsyncClient`` per loop.

* The sync pool is built on first use, closed at exit, and dropped in a forked child
  (which must not share its parent's sockets) through ``os.register_at_fork``. Its
  sockets honour the deadline of the call in progress (:mod:`.deadline`).
* An async pool belongs to the event loop that built it. It is closed when that loop
  shuts down its async generators (``asyncio.run`` and asgiref's ``async_to_sync`` do),
  so short-lived loops (an async view under WSGI) leave no sockets behind.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
from collections.abc import AsyncGenerator

import httpx

from .conf import conf
from .deadline import DeadlineBackend


def _limits() -> httpx.Limits:
    size = conf.POOL_SIZE
    return httpx.Limits(max_connections=size, max_keepalive_connections=size)


class Pools:
    """Lazily built shared clients; see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sync: httpx.Client | None = None
        self._async: dict[asyncio.AbstractEventLoop, httpx.AsyncClient] = {}
        self._keepers: dict[asyncio.AbstractEventLoop, AsyncGenerator[None, None]] = {}

    def sync(self) -> httpx.Client:
        client = self._sync
        if client is not None:
            return client
        with self._lock:
            if self._sync is None:
                transport = httpx.HTTPTransport(limits=_limits())
                # httpx has no public hook for this; the pool has read it this way for years.
                transport._pool._network_backend = DeadlineBackend()
                self._sync = httpx.Client(transport=transport)
            return self._sync

    def close_sync(self) -> None:
        with self._lock:
            client, self._sync = self._sync, None
        if client is not None:
            client.close()

    def after_fork_in_child(self) -> None:
        self._lock = threading.Lock()
        client, self._sync = self._sync, None
        if client is not None:
            client.close()  # closes the child's copies only; the parent's stay open
        self._async.clear()
        self._keepers.clear()

    async def for_running_loop(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._async.get(loop)
        if client is not None:
            return client
        self._forget_closed_loops()
        client = httpx.AsyncClient(limits=_limits())
        keeper = self._keep(loop, client)
        self._async[loop], self._keepers[loop] = client, keeper
        await keeper.__anext__()  # now the loop's shutdown_asyncgens() will close the pool
        return client

    async def aclose_running_loop(self) -> None:
        keeper = self._keepers.get(asyncio.get_running_loop())
        if keeper is not None:
            await keeper.aclose()

    async def _keep(
        self, loop: asyncio.AbstractEventLoop, client: httpx.AsyncClient
    ) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            self._async.pop(loop, None)
            self._keepers.pop(loop, None)
            await client.aclose()

    def _forget_closed_loops(self) -> None:
        for loop in [loop for loop in self._async if loop.is_closed()]:
            self._async.pop(loop, None)
            self._keepers.pop(loop, None)


pools = Pools()
atexit.register(pools.close_sync)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=pools.after_fork_in_child)
