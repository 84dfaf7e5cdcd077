"""Cheap SDK clients over the shared pools: the factory behind ``request.imbrace``.

Each call returns a new, real ``imbrace.ImbraceClient`` (or ``AsyncImbraceClient``)
that belongs to one caller: SDK clients keep mutable per-user state (token,
organization id, a cached board organization), so they are never shared. Only the
connection pool is shared (see :mod:`django_imbrace.transport`). Building one costs
microseconds instead of the SDK's ~20 ms.

Use these helpers anywhere outside a request too (management commands, Celery
tasks)::

    from django_imbrace.client import client_for_api_key, client_for_token

    boards = client_for_api_key().boards.list()
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import imbrace
import imbrace.async_client
import imbrace.client

from .conf import conf
from .pools import pools
from .transport import AsyncPooledTransport, PooledTransport

__all__ = [
    "aclient_for_api_key",
    "aclient_for_token",
    "aclose_pool",
    "anonymous_aclient",
    "anonymous_client",
    "client_for_api_key",
    "client_for_token",
    "close_pool",
]

_NO_CREDENTIAL_YET = "login_pending"


def _constructor_with_transport(cls: Any, module: types.ModuleType, transport: type) -> Any:
    """The SDK's own ``__init__``, whose ``HttpTransport`` name resolves to ``transport``.

    Nothing global is patched and no SDK wiring is copied: the SDK builds every
    resource exactly as it does for its users, on our pooled transport.
    """
    original = cls.__init__
    namespace = dict(vars(module))
    namespace[transport.__mro__[1].__name__] = transport
    init = types.FunctionType(
        original.__code__, namespace, original.__name__, original.__defaults__, original.__closure__
    )
    init.__kwdefaults__ = original.__kwdefaults__
    return init


_sync_init: Callable[..., None] = _constructor_with_transport(
    imbrace.ImbraceClient, imbrace.client, PooledTransport
)
_async_init: Callable[..., None] = _constructor_with_transport(
    imbrace.AsyncImbraceClient, imbrace.async_client, AsyncPooledTransport
)


_SYNC = (imbrace.ImbraceClient, _sync_init)
_ASYNC = (imbrace.AsyncImbraceClient, _async_init)


def _build(flavour: tuple[Any, Callable[..., None]], caller: str, mode: str, **kwargs: Any) -> Any:
    cls, init = flavour
    client = cls.__new__(cls)
    init(client, gateway=conf.GATEWAY, timeout=conf.TIMEOUT, **kwargs)
    client.http.caller = caller
    client.http.mode = mode
    return client


def _for_token(flavour: Any, token: str, organization_id: str | None, caller: str) -> Any:
    return _build(flavour, caller, "build", access_token=token, organization_id=organization_id)


def _for_api_key(flavour: Any, api_key: str | None, caller: str) -> Any:
    key = api_key or conf.API_KEY
    if not key:
        raise ValueError("No Imbrace API key: set IMBRACE_API_KEY or pass api_key=")
    return _build(flavour, caller, "wrap", api_key=key)


def _anonymous(flavour: Any, caller: str) -> Any:
    # A placeholder token keeps the SDK from warning about missing credentials.
    client = _build(flavour, caller, "login", access_token=_NO_CREDENTIAL_YET)
    client.clear_access_token()
    return client


def client_for_token(
    token: str, organization_id: str | None = None, *, caller: str = "-"
) -> imbrace.ImbraceClient:
    """A sync client that sends a user's access token (``x-access-token``).

    ``caller`` names who the calls are made for in the attribution log (a user id).
    """
    return _for_token(_SYNC, token, organization_id, caller)


def client_for_api_key(api_key: str | None = None, *, caller: str = "-") -> imbrace.ImbraceClient:
    """A sync client that sends the organization API key (``IMBRACE_API_KEY`` by default)."""
    return _for_api_key(_SYNC, api_key, caller)


def anonymous_client(*, caller: str = "-") -> imbrace.ImbraceClient:
    """A sync client with no credential yet, for the sign-in calls."""
    return _anonymous(_SYNC, caller)


def aclient_for_token(
    token: str, organization_id: str | None = None, *, caller: str = "-"
) -> imbrace.AsyncImbraceClient:
    """Async twin of :func:`client_for_token` (uses the running event loop's pool)."""
    return _for_token(_ASYNC, token, organization_id, caller)


def aclient_for_api_key(
    api_key: str | None = None, *, caller: str = "-"
) -> imbrace.AsyncImbraceClient:
    """Async twin of :func:`client_for_api_key`."""
    return _for_api_key(_ASYNC, api_key, caller)


def anonymous_aclient(*, caller: str = "-") -> imbrace.AsyncImbraceClient:
    """Async twin of :func:`anonymous_client`."""
    return _anonymous(_ASYNC, caller)


def close_pool() -> None:
    """Close the process-wide sync pool (it is re-created on next use)."""
    pools.close_sync()


async def aclose_pool() -> None:
    """Close the running event loop's async pool (call before a short-lived loop ends)."""
    await pools.aclose_running_loop()
