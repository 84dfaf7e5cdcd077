"""Fault injection: make a route slow, fail, answer garbage or hang up."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Literal

from .stats import ROUTE_NAMES

FaultKind = Literal["delay", "status", "html", "malformed", "drop"]
FAULT_KINDS: tuple[FaultKind, ...] = ("delay", "status", "html", "malformed", "drop")

#: The body a :meth:`Fault.status` fault sends when none is given.
DEFAULT_BODIES: dict[int, dict[str, Any]] = {
    400: {"code": 0, "message": "Bad request"},
    401: {"message": "Unauthorized"},
    403: {"message": "Forbidden"},
    404: {"message": "Not found"},
    429: {"message": "Too many requests"},
    500: {"code": 99999, "message": "Service unavailable, please try again later"},
    502: {"message": "Bad gateway"},
    503: {"message": "Service unavailable"},
    504: {"message": "Gateway timeout"},
}

HTML_PAGE = (
    "<html>\r\n<head><title>{code} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
MALFORMED_BODY = b'{"data": [{"id": "truncated'


@dataclass(frozen=True)
class Fault:
    """One way for a route to misbehave. Build it with the class methods."""

    kind: FaultKind
    seconds: float = 0.0
    code: int = 200
    body: bytes = b""
    content_type: str = "application/json"

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Wait ``seconds``, then answer normally."""
        return cls("delay", seconds=float(seconds))

    @classmethod
    def status(
        cls,
        code: int,
        body: dict[str, Any] | list[Any] | str | None = None,
        content_type: str = "application/json",
    ) -> Fault:
        """Answer ``code`` with ``body`` (a dict is sent as JSON; default: per code)."""
        if body is None:
            default = DEFAULT_BODIES.get(code, {"message": _phrase(code)})
            raw = json.dumps(default).encode()
        elif isinstance(body, str):
            raw = body.encode()
        else:
            raw = json.dumps(body).encode()
        return cls("status", code=code, body=raw, content_type=content_type)

    @classmethod
    def html(cls, status: int = 502) -> Fault:
        """An HTML error page, as a proxy in front of the gateway would send."""
        page = HTML_PAGE.format(code=status, phrase=_phrase(status))
        return cls("html", code=status, body=page.encode(), content_type="text/html")

    @classmethod
    def malformed(cls) -> Fault:
        """200 with a body that is not valid JSON but claims to be."""
        return cls("malformed", code=200, body=MALFORMED_BODY)

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without writing a single byte."""
        return cls("drop")

    @classmethod
    def from_json(cls, spec: dict[str, Any]) -> Fault:
        """A fault from the ``POST /__sandbox__/faults`` body; :class:`ValueError` if bad."""
        kind = spec.get("kind")
        if kind == "delay":
            return cls.delay(float(spec.get("seconds", 0)))
        if kind == "status":
            ctype = spec.get("content_type") or "application/json"
            return cls.status(int(spec.get("status", 500)), spec.get("body"), str(ctype))
        if kind == "html":
            return cls.html(int(spec.get("status", 502)))
        if kind == "malformed":
            return cls.malformed()
        if kind == "drop":
            return cls.drop()
        raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"


@dataclass
class _Injection:
    route: str
    fault: Fault
    remaining: int | None


class FaultRegistry:
    """Injected faults, applied oldest first; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._injections: list[_Injection] = []

    def inject(self, route: str, fault: Fault, times: int | None = None) -> None:
        """Apply ``fault`` to ``route`` (``"*"``: every route), ``times`` times or forever."""
        if route != "*" and route not in ROUTE_NAMES:
            raise ValueError(f"route must be '*' or one of {', '.join(ROUTE_NAMES)}")
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None: until cleared)")
        with self._lock:
            self._injections.append(_Injection(route, fault, times))

    def clear(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            self._injections.clear()

    def take(self, route: str) -> Fault | None:
        """The fault for this request to ``route``, if any (uses up one of its times)."""
        with self._lock:
            for injection in self._injections:
                if injection.route in (route, "*"):
                    if injection.remaining is not None:
                        injection.remaining -= 1
                        if injection.remaining == 0:
                            self._injections.remove(injection)
                    return injection.fault
        return None
