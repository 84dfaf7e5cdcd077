"""The sandbox gateway in its own process, so it does not share our GIL, driven over HTTP."""

from __future__ import annotations

import subprocess
import sys
from types import TracebackType
from typing import Any

import httpx


class SandboxProcess:
    """``python -m django_imbrace.sandbox --port 0`` with its ``/__sandbox__/`` controls."""

    def __init__(self) -> None:
        self.url = ""
        self._process: subprocess.Popen[str] | None = None
        self._control: httpx.Client | None = None

    def __enter__(self) -> SandboxProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "django_imbrace.sandbox", "--port", "0", "--seed", "demo"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        first_line = self._process.stdout.readline()
        self.url = first_line.rsplit(" ", 1)[-1].strip()
        self._control = httpx.Client(base_url=f"{self.url}/__sandbox__")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._control is not None:
            self._control.close()
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            if self._process.stdout is not None:
                self._process.stdout.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        assert self._control is not None
        response = self._control.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/stats")
        return result

    def reset_stats(self) -> None:
        self._call("DELETE", "/stats")

    def advance(self, seconds: float) -> None:
        self._call("POST", "/clock", json={"advance": seconds})

    def last_code(self, email: str) -> str:
        outbox = [m for m in self._call("GET", "/outbox") if m["email"] == email]
        return str(outbox[-1]["code"])
