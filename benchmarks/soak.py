"""``python -m benchmarks.soak [--quick] [--requests N] [--threads N]``: a bounded soak.

One real ``manage.py runserver --noreload`` process of the example site against the
sandbox gateway in its own process (all on 127.0.0.1), sharing the infrastructure of
``tests/hardening/servers.py`` (PostgreSQL/Redis from ``DATABASE_URL``/``CACHE_URL``, else
a temporary SQLite file and a file-based cache). Eight threads of signed-in and
anonymous traffic; every 1,000 requests a slice of gateway faults is injected through
``/__sandbox__/faults`` (503s and dropped connections, ``times=N``).

Pass criteria (exit status 1 otherwise): zero 500s, zero lost sessions (a signed-in
request answered as anonymous), and the server's open file descriptors and RSS stable
(fds within +10 of the warmed-up figure, RSS growth under 30 MB).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.hardening.servers import (
    SandboxProcess,
    SiteServer,
    csrf_token,
    migrate,
    shared_infrastructure,
    site_environment,
)

USERS = [("alice@example.com", "alice-password"), ("bob@example.com", "bob-password")]


def process_figures(pid: int) -> tuple[int, float]:
    """(open file descriptors, RSS in MB) of a process, from /proc."""
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    rss_kb = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
    return fds, rss_kb / 1024


def sign_in(base: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=15)
    token = csrf_token(client, "/imbrace/login/password/")
    data = {"email": email, "password": password, "csrfmiddlewaretoken": token}
    response = client.post("/imbrace/login/password/", data=data)
    if response.headers.get("location") == "/imbrace/login/organization/":
        page = client.get("/imbrace/login/organization/").text
        org = page.split('name="organization" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            "/imbrace/login/organization/",
            data={"organization": org, "csrfmiddlewaretoken": token},
        )
    if response.status_code != 302 or "sessionid" not in client.cookies:
        raise RuntimeError(f"could not sign {email} in: {response.status_code}")
    return client


class Soak:
    def __init__(
        self, base: str, sandbox: SandboxProcess, total: int, sessions: list[httpx.Client]
    ) -> None:
        self.base = base
        self.sessions = sessions
        self.sandbox = sandbox
        self.total = total
        self.lock = threading.Lock()
        self.done = 0
        self.outcomes: Counter[str] = Counter()
        self.latencies: list[float] = []
        self.problems: list[str] = []

    def _take(self) -> int | None:
        with self.lock:
            if self.done >= self.total:
                return None
            self.done += 1
            return self.done

    def _record(self, kind: str, status: int, elapsed: float, ok: set[int], lost: bool) -> None:
        with self.lock:
            self.outcomes[f"{kind} {status}"] += 1
            self.latencies.append(elapsed)
            if status >= 500 and status != 503:
                self.problems.append(f"{kind} answered {status}")
            elif lost:
                self.problems.append(f"{kind}: session lost ({status})")
            elif status not in ok:
                self.problems.append(f"{kind}: unexpected {status}")

    def worker(self, number: int) -> None:
        rng = random.Random(number)
        signed = self.sessions[number]
        anonymous = httpx.Client(base_url=self.base, timeout=15)
        try:
            while (n := self._take()) is not None:
                if n % 1000 == 0:
                    self.inject()
                pick = rng.random()
                started = time.perf_counter()
                if pick < 0.70:
                    r = signed.get("/dashboard/")
                    lost = r.status_code == 302
                    self._record(
                        "dashboard", r.status_code, time.perf_counter() - started, {200, 503}, lost
                    )
                elif pick < 0.85:
                    r = signed.get("/api/me/", headers={"accept": "application/json"})
                    lost = r.status_code == 401
                    self._record(
                        "api/me", r.status_code, time.perf_counter() - started, {200, 503}, lost
                    )
                elif pick < 0.95:
                    r = anonymous.get("/imbrace/login/")
                    self._record(
                        "login page", r.status_code, time.perf_counter() - started, {200}, False
                    )
                else:
                    fresh = httpx.Client(base_url=self.base, timeout=15)
                    try:
                        token = csrf_token(fresh, "/imbrace/login/")
                        r = fresh.post(
                            "/imbrace/login/",
                            data={"email": f"soak{n}@example.com", "csrfmiddlewaretoken": token},
                        )
                    finally:
                        fresh.close()
                    self._record(
                        "ask code",
                        r.status_code,
                        time.perf_counter() - started,
                        {302, 429, 503},
                        False,
                    )
        finally:
            anonymous.close()

    def inject(self) -> None:
        """About 2% of the next 1,000 requests' gateway calls fail: 503s and hang-ups."""
        for kind in ({"kind": "status", "status": 503}, {"kind": "drop"}):
            self.sandbox.control("POST", "/faults", json={"route": "*", "times": 15, **kind})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 requests instead of 20,000")
    parser.add_argument("--requests", type=int, help="total requests")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    total = args.requests or (2_000 if args.quick else 20_000)
    with tempfile.TemporaryDirectory(prefix="imbrace-soak-") as tmp:
        workdir = Path(tmp)
        infrastructure = shared_infrastructure(workdir)
        with SandboxProcess() as sandbox:
            env = site_environment(infrastructure, sandbox.url)
            migrate(env)
            server = SiteServer(env, workdir / "server.log").start().wait_ready()
            try:
                return run(server, sandbox, infrastructure, total, args.threads)
            finally:
                server.stop()


def run(
    server: SiteServer, sandbox: SandboxProcess, infra: dict[str, str], total: int, threads: int
) -> int:
    # Sessions are made one after the other (concurrent first sign-ins of one user on
    # SQLite would only measure its write lock); each thread then keeps its own.
    sessions = [sign_in(server.url, *USERS[n % len(USERS)]) for n in range(threads)]
    try:
        return _soak(server, sandbox, infra, total, threads, sessions)
    finally:
        for client in sessions:
            client.close()


def _soak(
    server: SiteServer,
    sandbox: SandboxProcess,
    infra: dict[str, str],
    total: int,
    threads: int,
    sessions: list[httpx.Client],
) -> int:
    warm = Soak(server.url, sandbox, 200, sessions)
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(warm.worker, range(threads)))
    fds_start, rss_start = process_figures(server.pid)
    soak = Soak(server.url, sandbox, total, sessions)
    samples: list[tuple[int, int, float]] = []
    stop = threading.Event()

    def sampler() -> None:
        while not stop.wait(1.0):
            fds, rss = process_figures(server.pid)
            samples.append((soak.done, fds, rss))

    watcher = threading.Thread(target=sampler, daemon=True)
    watcher.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(soak.worker, range(threads)))
    elapsed = time.perf_counter() - started
    stop.set()
    watcher.join()
    sandbox.control("DELETE", "/faults")
    fds_end, rss_end = process_figures(server.pid)
    fds_peak = max([fds_end, *(s[1] for s in samples)])
    rss_peak = max([rss_end, *(s[2] for s in samples)])
    latencies = sorted(soak.latencies)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    database = infra["DATABASE_URL"].split(":", 1)[0]
    cache = infra["CACHE_URL"].split(":", 1)[0]
    print(
        f"django-imbrace soak: {total} requests, {threads} threads, {elapsed:.1f} s "
        f"({total / elapsed:.0f} req/s); database {database}, cache {cache}"
    )
    print(
        f"  latency ms: median {statistics.median(latencies) * 1000:.1f}, "
        f"p95 {pct(0.95):.1f}, p99 {pct(0.99):.1f}, max {latencies[-1] * 1000:.1f}"
    )
    for outcome, count in sorted(soak.outcomes.items()):
        print(f"  {outcome}: {count}")
    print(f"  server fds: {fds_start} after warm-up, peak {fds_peak}, end {fds_end}")
    print(f"  server RSS MB: {rss_start:.1f} after warm-up, peak {rss_peak:.1f}, end {rss_end:.1f}")
    five_hundreds = sum(c for o, c in soak.outcomes.items() if o.endswith(" 500"))
    lost = sum(1 for p in soak.problems if "session lost" in p)
    print(
        f"  500s: {five_hundreds}; lost sessions: {lost}; other problems: "
        f"{len(soak.problems) - lost - five_hundreds}"
    )
    failures = list(dict.fromkeys(soak.problems))[:10]
    if fds_end > fds_start + 10:
        failures.append(f"file descriptors grew: {fds_start} -> {fds_end}")
    if rss_end - rss_start > 30:
        failures.append(f"RSS grew by {rss_end - rss_start:.1f} MB")
    for failure in failures:
        print(f"FAIL: {failure}")
    print("PASS" if not failures else "FAILED")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
