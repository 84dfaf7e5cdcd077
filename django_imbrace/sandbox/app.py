"""The gateway without the socket: state, faults and counters, and request dispatch."""

from __future__ import annotations

import logging
import time

from . import control
from .access import credential_of
from .clock import SandboxClock
from .faults import FaultRegistry
from .routes import resolve
from .seed import SEEDS, apply_seed
from .state import SandboxState
from .stats import SandboxStats
from .wire import BadRequest, Request, Response, error

CONTROL_PREFIX = "/__sandbox__"
logger = logging.getLogger("django_imbrace.sandbox")
SERVER_ERROR = error(500, "Service unavailable, please try again later", 99999)


class SandboxApp:
    """Answers :class:`Request` values; :meth:`handle` returns ``None`` to hang up."""

    def __init__(self, seed: str = "demo", *, print_codes: bool = False) -> None:
        self.clock = SandboxClock()
        self.state = SandboxState(self.clock, print_codes=print_codes)
        self.faults = FaultRegistry()
        self.stats = SandboxStats()
        self.reset(seed)

    def reset(self, seed: str = "demo") -> None:
        """A fresh ``seed``; no faults, counters, codes or tokens; the clock at real time."""
        if seed not in SEEDS:
            raise ValueError(f"unknown sandbox seed {seed!r} (choose from {', '.join(SEEDS)})")
        with self.state.lock:
            self.state.clear()
            self.clock.reset()
            apply_seed(self.state, seed)
        self.faults.clear()
        self.stats.reset()

    def handle(self, request: Request) -> Response | None:
        """The response to ``request``, or ``None`` when a ``drop`` fault says to hang up."""
        if request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/"):
            return self._guarded(lambda: control.handle(self, request))
        name, handler = resolve(request.method, request.path)
        self.stats.count_request(name, credential_of(request, name))
        fault = self.faults.take(name)
        if fault is not None:
            if fault.kind == "drop":
                return None
            if fault.kind != "delay":
                return Response(fault.code, fault.body, fault.content_type)
            time.sleep(fault.seconds)

        def run() -> Response:
            with self.state.lock:
                return handler(self.state, request)

        return self._guarded(run)

    @staticmethod
    def _guarded(run: control.Thunk) -> Response:
        try:
            return run()
        except BadRequest as exc:
            return error(400, str(exc), 2)
        except Exception:  # a sandbox bug must still answer like the gateway would
            logger.exception("sandbox gateway error")
            return SERVER_ERROR
