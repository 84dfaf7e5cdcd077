"""``/__sandbox__/*``: HTTP controls for tests written in any language.

| method and path | body | effect |
|---|---|---|
| ``GET /__sandbox__/outbox`` | | ``[{"email", "code", "sent_at"}]``, newest last |
| ``GET /__sandbox__/seed`` | | ``{"users": [...], "organizations": [...]}`` |
| ``POST /__sandbox__/faults`` | ``{"route", "kind", "seconds", "status", "body", "times"}`` |
  inject (``kind``: delay, status, html, malformed, drop) |
| ``DELETE /__sandbox__/faults`` | | clear every fault |
| ``GET /__sandbox__/stats`` | | ``{"requests", "connections", "credentials"}`` |
| ``DELETE /__sandbox__/stats`` | | zero the counters |
| ``POST /__sandbox__/clock`` | ``{"advance": seconds}`` | move the clock; answers ``{"now"}`` |
| ``POST /__sandbox__/revoke`` | ``{"token"}`` | reject that token or key from now on |
| ``POST /__sandbox__/reset`` | ``{"seed": "demo" or "empty"}`` | back to a fresh seed |

These requests are not counted in ``stats.requests`` nor ``stats.credentials``, but their
TCP connections are counted in ``stats.connections``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .faults import Fault
from .models import isoformat
from .seed import seed_info
from .tokens import revoke
from .wire import NOT_FOUND, Request, Response, error, json_response

if TYPE_CHECKING:
    from .app import SandboxApp

Thunk = Callable[[], Response]
OK = json_response(200, {"ok": True})


def handle(app: SandboxApp, request: Request) -> Response:
    """Answer one ``/__sandbox__/`` request."""
    action = request.path[len("/__sandbox__") :].strip("/")
    method = request.method
    if (method, action) == ("GET", "outbox"):
        with app.state.lock:
            return json_response(200, [m.to_json() for m in app.state.outbox])
    if (method, action) == ("GET", "seed"):
        with app.state.lock:
            return json_response(200, seed_info(app.state))
    if (method, action) == ("POST", "faults"):
        return _inject(app, request.json())
    if (method, action) == ("DELETE", "faults"):
        app.faults.clear()
        return OK
    if (method, action) == ("GET", "stats"):
        return json_response(200, app.stats.to_json())
    if (method, action) == ("DELETE", "stats"):
        app.stats.reset()
        return OK
    if (method, action) == ("POST", "clock"):
        return _advance(app, request.json())
    if (method, action) == ("POST", "revoke"):
        token = request.json().get("token")
        if not isinstance(token, str) or not token:
            return error(400, "token is required", 1, "token")
        with app.state.lock:
            return json_response(200, {"revoked": revoke(app.state, token)})
    if (method, action) == ("POST", "reset"):
        try:
            app.reset(str(request.json().get("seed") or "demo"))
        except ValueError as exc:
            return error(400, str(exc), 3, "seed")
        return OK
    return NOT_FOUND


def _inject(app: SandboxApp, spec: dict[str, Any]) -> Response:
    route = spec.get("route")
    times = spec.get("times")
    try:
        fault = Fault.from_json(spec)
        app.faults.inject(str(route), fault, None if times is None else int(times))
    except (TypeError, ValueError) as exc:
        return error(400, str(exc), 3)
    return OK


def _advance(app: SandboxApp, spec: dict[str, Any]) -> Response:
    try:
        app.clock.advance(float(spec.get("advance", 0)))
    except (TypeError, ValueError) as exc:
        return error(400, str(exc), 3, "advance")
    return json_response(200, {"now": isoformat(app.clock.now())})
