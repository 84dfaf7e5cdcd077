"""The time-bounded sender behind every SDK client we build.

The SDK gives each ``ImbraceClient`` its own ``httpx.Client`` (~20 ms to build, a new
TLS connection per client), retries 429/503 even on sign-in POSTs, sleeps up to 7 s and
logs failed response bodies. Our transports replace that with:

* the shared pools of :mod:`django_imbrace.pools`;
* a time budget per SDK call (``IMBRACE_TIMEOUT``) that covers every attempt, the wait
  for a pooled connection, connecting, sending and reading (every socket operation
  waits at most until the call's deadline, see :mod:`.deadline`; async calls are
  bounded by ``asyncio.wait_for``);
* retries (``IMBRACE_RETRIES``) only for GET/HEAD/OPTIONS, only on connection errors
  and 502/503/504, and only while the budget lasts; never 429, never POST;
* failures raised before the SDK's own retry loop sees a response, so it never sleeps
  and never logs a body, with tracebacks cut at our transport and its local variables
  hidden from Django's error reports (they hold the credential);
* one INFO line per call on the ``django_imbrace`` logger (no headers, no bodies).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import imbrace
from django.views.decorators.debug import sensitive_variables
from imbrace.http import AsyncHttpTransport, HttpTransport

from .conf import conf
from .deadline import deadline
from .errors import GatewayError, GatewayUnreachable, MalformedResponse
from .pools import pools

logger = logging.getLogger("django_imbrace")

RETRY_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_STATUSES = frozenset({502, 503, 504})
RETRY_PAUSE = 0.1


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

    def retry_pause(self, response: httpx.Response | None) -> float | None:
        """Seconds to wait before another attempt, or ``None`` when there is none."""
        if response is not None and response.status_code not in RETRY_STATUSES:
            return None
        if self.left <= 0 or self.remaining() <= RETRY_PAUSE:
            return None
        return RETRY_PAUSE

    def unreachable(self, url: str, exc: Exception) -> GatewayUnreachable:
        self.log(url, f"failed ({type(exc).__name__})")
        reason = "timed out" if isinstance(exc, httpx.TimeoutException) else "could not connect"
        return GatewayUnreachable(f"Imbrace {reason}")

    def finish(self, url: str, response: httpx.Response) -> httpx.Response:
        self.log(url, str(response.status_code))
        return checked(response)

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


def _malformed(status: int) -> Any:
    def refuse(**_: Any) -> Any:
        raise MalformedResponse(status)

    return refuse


def checked(response: httpx.Response) -> httpx.Response:
    """Raise the SDK's exception for a failed response; parse a JSON body once."""
    status = response.status_code
    if status in (401, 403):
        error = imbrace.AuthError(f"Imbrace refused the credential (HTTP {status})")
        raise error.with_response(status, response.text)
    if status >= 400:
        raise GatewayError(status, response.text)
    if not response.content:
        response.json = _malformed(status)  # type: ignore[method-assign]
        return response
    try:
        parsed = response.json()
    except ValueError:
        raise MalformedResponse(status) from None
    if not isinstance(parsed, dict | list):
        raise MalformedResponse(status)
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
                with deadline(attempt.deadline):
                    response = pools.sync().request(method, url, timeout=timeout, **kwargs)
            except httpx.RequestError as exc:
                pause = attempt.retry_pause(None)
                if pause is None:
                    raise attempt.unreachable(url, exc) from None
                time.sleep(pause)
                continue
            pause = attempt.retry_pause(response)
            if pause is None:
                return attempt.finish(url, response)
            time.sleep(pause)


class _AsyncSender:
    def __init__(self, transport: AsyncPooledTransport) -> None:
        self._transport = transport

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        attempt = _Attempts(self._transport, method)
        while True:
            timeout = attempt.begin()
            try:
                response = await asyncio.wait_for(self._send(method, url, timeout, kwargs), timeout)
            except (httpx.RequestError, asyncio.TimeoutError) as exc:
                pause = attempt.retry_pause(None)
                if pause is None:
                    raise attempt.unreachable(url, exc) from None
                await asyncio.sleep(pause)
                continue
            pause = attempt.retry_pause(response)
            if pause is None:
                return attempt.finish(url, response)
            await asyncio.sleep(pause)

    @staticmethod
    async def _send(
        method: str, url: str, timeout: float, kwargs: dict[str, Any]
    ) -> httpx.Response:
        pool = await pools.for_running_loop()
        return await pool.request(method, url, timeout=timeout, **kwargs)


def _set_up(
    transport: Any, token_manager: Any, timeout: Any, credentials: dict[str, Any], sender: Any
) -> None:
    """The attributes the SDK's request loop reads, plus our sender and log labels."""
    transport.token_manager = token_manager
    transport.timeout = timeout
    transport.api_key = credentials.get("api_key")
    transport.organization_id = credentials.get("organization_id")
    transport.caller = "-"
    transport.mode = "-"
    transport._client = sender


class PooledTransport(HttpTransport):  # type: ignore[misc]
    """The SDK's transport (its credential headers, its resources) over our pool.

    ``super().__init__`` is skipped on purpose: it would build a private
    ``httpx.Client``. The SDK's request loop still picks the credential headers.
    """

    def __init__(self, token_manager: Any, timeout: Any = None, **credentials: Any) -> None:
        _set_up(self, token_manager, timeout, credentials, _SyncSender(self))

    @sensitive_variables()
    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return super().request(method, url, **kwargs)  # type: ignore[no-any-return]
        except Exception as exc:
            raise exc.with_traceback(None) from None  # the frames below hold the credential

    def close(self) -> None:
        """Closing one request's client never closes the shared pool."""


class AsyncPooledTransport(AsyncHttpTransport):  # type: ignore[misc]
    """Async twin of :class:`PooledTransport`, over the running loop's pool."""

    def __init__(self, token_manager: Any, timeout: Any = None, **credentials: Any) -> None:
        _set_up(self, token_manager, timeout, credentials, _AsyncSender(self))

    @sensitive_variables()
    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await super().request(method, url, **kwargs)  # type: ignore[no-any-return]
        except Exception as exc:
            raise exc.with_traceback(None) from None  # the frames below hold the credential

    async def close(self) -> None:
        """Closing one request's client never closes the loop's pool."""
