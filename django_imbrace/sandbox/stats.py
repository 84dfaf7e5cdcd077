"""Counters: requests per route, TCP connections, and every credential seen."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any, Literal

CredentialKind = Literal["api_key", "access_token", "bearer", "none"]

#: Every route name the gateway counts (``"*"`` in faults means all of them).
ROUTE_NAMES: tuple[str, ...] = (
    "health",
    "otp_request",
    "authenticate",
    "sign_in",
    "signin_with_email",
    "exchange",
    "exchange_with_token",
    "me",
    "account",
    "boards",
    "board",
    "board_items",
    "not_found",
)


@dataclass(frozen=True)
class CredentialUse:
    """The credential one request carried, as the gateway saw it."""

    route: str
    kind: CredentialKind
    value: str
    organization_header: str | None

    def to_json(self) -> dict[str, Any]:
        """The ``/__sandbox__/stats`` shape."""
        return asdict(self)


class SandboxStats:
    """Thread-safe counters. Requests to ``/__sandbox__/*`` are not counted per route,
    but every accepted TCP connection is, whatever it is used for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self._requests = dict.fromkeys(ROUTE_NAMES, 0)
            self._connections = 0
            self._credentials: list[CredentialUse] = []

    @property
    def requests(self) -> dict[str, int]:
        """Requests per route name (a copy; every route name is present)."""
        with self._lock:
            return dict(self._requests)

    @property
    def connections(self) -> int:
        """TCP connections accepted since the last reset."""
        with self._lock:
            return self._connections

    @property
    def credentials(self) -> list[CredentialUse]:
        """Credentials of the counted requests, in arrival order (a copy)."""
        with self._lock:
            return list(self._credentials)

    def count_connection(self) -> None:
        """One more TCP connection."""
        with self._lock:
            self._connections += 1

    def count_request(self, route: str, credential: CredentialUse) -> None:
        """One more request to ``route`` carrying ``credential``."""
        with self._lock:
            self._requests[route] = self._requests.get(route, 0) + 1
            self._credentials.append(credential)

    def to_json(self) -> dict[str, Any]:
        """The ``GET /__sandbox__/stats`` body."""
        with self._lock:
            return {
                "requests": dict(self._requests),
                "connections": self._connections,
                "credentials": [c.to_json() for c in self._credentials],
            }
