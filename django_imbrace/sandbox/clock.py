"""The sandbox clock: real UTC time plus an offset that tests can move forward."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone


class SandboxClock:
    """Real time plus an adjustable offset; token and code expiry use it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0

    @property
    def offset(self) -> float:
        """Seconds added to real time."""
        with self._lock:
            return self._offset

    def now(self) -> datetime:
        """The sandbox's current time (timezone-aware, UTC)."""
        return datetime.now(timezone.utc) + timedelta(seconds=self.offset)

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (must not be negative)."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += seconds

    def reset(self) -> None:
        """Back to real time."""
        with self._lock:
            self._offset = 0.0
