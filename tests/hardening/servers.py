"""Real processes for the multi-process test and the soak: the sandbox gateway
(``python -m django_imbrace.sandbox --port 0``, driven through ``/__sandbox__/``) and
the example site under ``manage.py runserver --noreload``, all on 127.0.0.1.

Shared infrastructure: ``DATABASE_URL``/``CACHE_URL`` when they point at PostgreSQL and
Redis, else a temporary SQLite file and Django's ``FileBasedCache`` directory (both shared
by processes on one machine; see RELIABILITY.md for their atomicity caveats).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def shared_infrastructure(workdir: Path) -> dict[str, str]:
    """``DATABASE_URL`` and ``CACHE_URL`` every server process shares."""
    database = os.environ.get("DATABASE_URL", "")
    cache = os.environ.get("CACHE_URL", "")
    if not database.startswith(("postgres://", "postgresql://", "pgsql://")):
        database = f"sqlite:///{workdir / 'shared.sqlite3'}"
    if not cache.startswith(("redis://", "rediss://", "rediscache://")):
        (workdir / "cache").mkdir(exist_ok=True)
        cache = f"filecache://{workdir / 'cache'}"
    return {"DATABASE_URL": database, "CACHE_URL": cache}


def site_environment(infrastructure: dict[str, str], gateway: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "IMBRACE_", "PYTEST_"))
    }
    env.update(infrastructure)
    env.update(
        DJANGO_SETTINGS_MODULE="example_project.settings",
        IMBRACE_GATEWAY=gateway,
        IMBRACE_MODE="build",
        SECRET_KEY="hardening-" + "x" * 40,
        DEBUG="False",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        PYTHONWARNINGS="ignore",
    )
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )


class SandboxProcess:
    """The sandbox gateway in its own process; ``control(method, path)`` drives it."""

    def __init__(self) -> None:
        self.url = ""
        self.process: subprocess.Popen[str] | None = None
        self._http: httpx.Client | None = None

    def __enter__(self) -> SandboxProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django_imbrace.sandbox", "--port", "0", "--seed", "demo"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", first)
        if match is None:
            self.__exit__(None, None, None)
            raise RuntimeError(f"the sandbox did not start: {first!r}")
        self.url = match.group(1)
        self._http = httpx.Client(base_url=f"{self.url}/__sandbox__", timeout=10)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._http is not None:
            self._http.close()
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            if self.process.stdout is not None:
                self.process.stdout.close()

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        assert self._http is not None
        response = self._http.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()

    def requests(self, route: str) -> int:
        return int(self.control("GET", "/stats")["requests"][route])

    def last_code(self, email: str) -> str:
        codes = [m["code"] for m in self.control("GET", "/outbox") if m["email"] == email]
        return str(codes[-1])


class SiteServer:
    """``manage.py runserver --noreload 127.0.0.1:PORT`` of the example site."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> SiteServer:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "runserver",
                    "--noreload",
                    "--skip-checks",
                    f"127.0.0.1:{self.port}",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_ready(self, timeout: float = 30.0) -> SiteServer:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"runserver exited: {self.log.read_text()[-2000:]}")
            try:
                httpx.get(f"{self.url}/imbrace/login/", timeout=1.0)
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"runserver did not answer: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


def csrf_token(client: httpx.Client, url: str) -> str:
    """GET a sign-in page (sets the CSRF cookie) and return the form's token."""
    page = client.get(url)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match is not None, page.status_code
    return match.group(1)
