"""The connection pools and the time-bounded sender behind every SDK client we build.

The SDK gives each ``ImbraceClient`` its own ``httpx.Client`` (~20 ms to build, a new
TLS connection per client), retries 429/503 even on login POSTs and sleeps up to 7 s.
Our transports replace that with:

* one process-wide ``httpx.Client`` (re-created in a forked child), and one
  ``httpx.AsyncClient`` per running event loop;
* a time budget per call (``IMBRACE_TIMEOUT``) that covers every attempt;
* retries (``IMBRACE_RETRIES``) only for GET/HEAD/OPTIONS, only on connection
  errors and 502/503/504, and only while the budget lasts; never 429, never POST;
* errors raised before the SDK's own retry loop sees a failed response, so it
  never sleeps and never logs a response body;
* one INFO line per call on the ``django_imbrace`` logger (no headers, no bodies).
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
import time
import weakref
from typing import Any
from urllib.parse import urlsplit

import httpx
import imbrace
from imbrace.http import AsyncHttpTransport, HttpTransport

from .conf import conf
from .errors import GatewayError, GatewayUnreachable, MalformedResponse

logger = logging.getLogger("django_imbrace")

RETRY_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_STATUSES = frozenset({502, 503, 504})
RETRY_PAUSE = 0.1


class _Pools:
    """Lazily built shared clients: one per process (sync), one per event loop (async)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sync: httpx.Client | None = None
        self._pid = os.getpid()
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient]
        self._async = weakref.WeakKeyDictionary()

    @staticmethod
    def _limits() -> httpx.Limits:
        size = conf.POOL_SIZE
        return httpx.Limits(max_connections=size, max_keepalive_connections=size)

    def sync(self) -> httpx.Client:
        client = self._sync
        if client is not None and self._pid == os.getpid():
            return client
        with self._lock:
            if self._sync is None or self._pid != os.getpid():
                # A forked child must not share its parent's sockets: start afresh.
                self._sync = httpx.Client(limits=self._limits())
                self._pid = os.getpid()
            return self._sync

    def for_running_loop(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._async.get(loop)
        if client is None:
            client = httpx.AsyncClient(limits=self._limits())
            self._async[loop] = client
        return client

    def close_sync(self) -> None:
        with self._lock:
            client, self._sync = self._sync, None
        if client is not None and self._pid == os.getpid():
            client.close()

    async def aclose_running_loop(self) -> None:
        client = self._async.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()


pools = _Pools()
atexit.register(pools.close_sync)


class _Attempts:
    """Shared by the sync and async senders: budget, retry decisions, outcome."""

    def __init__(self, transport: PooledTransport | AsyncPooledTransport, method: str) -> None:
        self.transport = transport
        self.method = method.upper()
        self.started = time.monotonic()
        self.deadline = self.started + conf.TIMEOUT
        self.left = 1 + (conf.RETRIES if self.method in RETRY_SAFE_METHODS else 0)

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def begin(self) -> float:
        """The timeout for the next attempt; raises when the budget is spent."""
        self.left -= 1
        remaining = self.remaining()
        if remaining <= 0:
            raise GatewayUnreachable("Imbrace did not answer within the time budget")
        return remaining

    def pause_before_retry(self) -> float | None:
        """Seconds to wait before another attempt, or ``None`` when there is none."""
        if self.left <= 0 or self.remaining() <= RETRY_PAUSE:
            return None
        return RETRY_PAUSE

    def unreachable(self, url: str, exc: Exception) -> GatewayUnreachable:
        self.log(url, f"failed ({type(exc).__name__})")
        reason = "timed out" if isinstance(exc, httpx.TimeoutException) else "could not connect"
        return GatewayUnreachable(f"Imbrace {reason}")

    def finish(self, url: str, response: httpx.Response) -> httpx.Response:
        self.log(url, str(response.status_code))
        return checked(self.transport, response)

    def log(self, url: str, outcome: str) -> None:
        if conf.LOG_CALLS:
            logger.info(
                "imbrace call user=%s mode=%s %s %s -> %s in %.1f ms",
                self.transport.caller,
                self.transport.mode,
                self.method,
                urlsplit(url).path,
                outcome,
                (time.monotonic() - self.started) * 1000,
            )


def checked(transport: Any, response: httpx.Response) -> httpx.Response:
    """Raise the SDK's exception for a failed response; parse a JSON body once."""
    status = response.status_code
    if status in (401, 403):
        error = imbrace.AuthError(f"Imbrace refused the credential (HTTP {status})")
        raise error.with_response(status, response.text)
    if status >= 400:
        raise GatewayError(status, response.text)
    if response.content:
        try:
            parsed = response.json()
        except ValueError:
            raise MalformedResponse(status) from None
        # The SDK calls ``.json()`` again; hand it the value we already have.
        response.json = lambda **_: parsed  # type: ignore[method-assign]
    return response


class _SyncSender:
    def __init__(self, transport: PooledTransport) -> None:
        self._transport = transport

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        attempt = _Attempts(self._transport, method)
        while True:
            timeout = attempt.begin()
            try:
                response = pools.sync().request(method, url, timeout=timeout, **kwargs)
            except httpx.TransportError as exc:
                pause = attempt.pause_before_retry()
                if pause is None:
                    raise attempt.unreachable(url, exc) from None
                time.sleep(pause)
                continue
            if response.status_code in RETRY_STATUSES:
                pause = attempt.pause_before_retry()
                if pause is not None:
                    time.sleep(pause)
                    continue
            return attempt.finish(url, response)


class _AsyncSender:
    def __init__(self, transport: AsyncPooledTransport) -> None:
        self._transport = transport

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        attempt = _Attempts(self._transport, method)
        while True:
            timeout = attempt.begin()
            try:
                pool = pools.for_running_loop()
                response = await pool.request(method, url, timeout=timeout, **kwargs)
            except httpx.TransportError as exc:
                pause = attempt.pause_before_retry()
                if pause is None:
                    raise attempt.unreachable(url, exc) from None
                await asyncio.sleep(pause)
                continue
            if response.status_code in RETRY_STATUSES:
                pause = attempt.pause_before_retry()
                if pause is not None:
                    await asyncio.sleep(pause)
                    continue
            return attempt.finish(url, response)


class PooledTransport(HttpTransport):  # type: ignore[misc]
    """The SDK's transport (its credential headers, its resources) over our pool.

    ``super().__init__`` is skipped on purpose: it would build a private
    ``httpx.Client``. The SDK's request loop still picks the credential headers.
    """

    def __init__(self, token_manager: Any, timeout: Any = None, **credentials: Any) -> None:
        self.token_manager = token_manager
        self.timeout = timeout
        self.api_key = credentials.get("api_key")
        self.organization_id = credentials.get("organization_id")
        self.caller = "-"
        self.mode = "-"
        self._client = _SyncSender(self)

    def close(self) -> None:
        """Closing one request's client never closes the shared pool."""


class AsyncPooledTransport(AsyncHttpTransport):  # type: ignore[misc]
    """Async twin of :class:`PooledTransport`, over the running loop's pool."""

    def __init__(self, token_manager: Any, timeout: Any = None, **credentials: Any) -> None:
        self.token_manager = token_manager
        self.timeout = timeout
        self.api_key = credentials.get("api_key")
        self.organization_id = credentials.get("organization_id")
        self.caller = "-"
        self.mode = "-"
        self._client = _AsyncSender(self)

    async def close(self) -> None:
        """Closing one request's client never closes the loop's pool."""
