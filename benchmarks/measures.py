"""Each figure of the benchmark: a function returning table rows."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.test import Client, RequestFactory

from django_imbrace.client import client_for_token, close_pool
from django_imbrace.conf import conf
from django_imbrace.middleware import ImbraceMiddleware
from django_imbrace.session import ACCESS_SESSION_KEY

from .sandbox_process import SandboxProcess
from .timing import Row, interleave, ms, us
from .wsgi_driver import Driver

OURS = "django_imbrace.middleware.ImbraceMiddleware"
PASSWORD_FORM = {"email": "alice@example.com", "password": "alice-password"}


class Bench:
    """Shared state: the sandbox, a signed-in session, its token, the sizes for this run."""

    def __init__(self, sandbox: SandboxProcess, quick: bool) -> None:
        self.sandbox = sandbox
        self.quick = quick
        self.client = Client()
        response = self.client.post("/imbrace/login/password/", PASSWORD_FORM)
        assert response.status_code == 302, response.status_code
        self.session_key = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        grant = SessionStore(session_key=self.session_key)[ACCESS_SESSION_KEY]
        self.token: str = grant["token"]
        self.organization_id: str = grant["organization_id"]
        self.driver = Driver(self.session_key)

    def size(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def floor_get(self, http: httpx.Client) -> Callable[[], object]:
        url = f"{conf.GATEWAY}/platform/v1/users/_me"
        headers = {"x-access-token": self.token, "x-organization-id": self.organization_id}
        return lambda: http.get(url, headers=headers).json()


def middleware_overhead(bench: Bench) -> list[Row]:
    without = Driver(bench.session_key, middleware=[m for m in settings.MIDDLEWARE if m != OURS])
    results = interleave(
        {
            "with": lambda: bench.driver.get("/trivial/"),
            "without": lambda: without.get("/trivial/"),
        },
        batches=bench.size(40, 10),
        batch_size=bench.size(200, 100),
    )
    ratio = results["with"].median / results["without"].median
    return [
        Row("trivial view, without our middleware", us(results["without"].median), "", "baseline"),
        Row(
            "trivial view, with our middleware",
            us(results["with"].median),
            "<= 1.05x",
            f"{ratio:.3f}x",
        ),
    ]


def attach_cost(bench: Bench) -> list[Row]:
    from imbrace import ImbraceClient

    request = RequestFactory().get("/")
    request.session = SessionStore(session_key=bench.session_key)
    request.session.load()
    request.user = get_user_model().objects.get(pk=request.session["_auth_user_id"])
    _ = request.session[ACCESS_SESSION_KEY]  # loaded once per request in real life too
    middleware = ImbraceMiddleware(lambda r: None)

    def attach() -> object:
        middleware.attach(request)
        return request.imbrace.http  # type: ignore[attr-defined]

    def naive() -> object:
        client = ImbraceClient(gateway=conf.GATEWAY, access_token=bench.token)
        client.close()
        return client

    results = interleave(
        {
            "middleware": lambda: middleware.attach(request),
            "attach": attach,
            "factory": lambda: client_for_token(bench.token, bench.organization_id),
        },
        batches=bench.size(30, 10),
        batch_size=bench.size(500, 200),
    )
    naive_result = interleave({"naive": naive}, batches=bench.size(10, 3), batch_size=5, warmup=2)
    speedup = naive_result["naive"].median / results["attach"].median
    return [
        Row(
            "attach request.imbrace (median)",
            us(results["attach"].median),
            "<= 100 us",
            "met" if results["attach"].median <= 100e-6 else "MISSED",
        ),
        Row("client_for_token() alone", us(results["factory"].median), "", ""),
        Row(
            "the middleware's own work per request (lazy attributes only)",
            us(results["middleware"].median),
            "",
            "",
        ),
        Row(
            "new ImbraceClient() + close (SDK default)",
            ms(naive_result["naive"].median),
            "",
            f"ours {speedup:,.0f}x faster",
        ),
    ]


def one_call(bench: Bench) -> list[Row]:
    with httpx.Client() as http:
        results = interleave(
            {
                "floor": bench.floor_get(http),
                "django": lambda: bench.driver.get("/trivial/"),
                "raw_view": lambda: bench.driver.get("/raw-me/"),
                "ours": lambda: bench.driver.get("/me/"),
                "naive": lambda: bench.driver.get("/naive-me/"),
            },
            batches=bench.size(20, 6),
            batch_size=bench.size(50, 20),
        )
    floor, django, raw_view, ours, naive = (
        results[k].median for k in ("floor", "django", "raw_view", "ours", "naive")
    )
    return [
        Row("get_me: shared httpx.Client, no Django (floor)", ms(floor), "", "baseline"),
        Row("Django alone: trivial view, session + user", ms(django), "", f"{django / floor:.2f}x"),
        Row("get_me: view with request.imbrace", ms(ours), "<= 1.3x floor", f"{ours / floor:.2f}x"),
        Row(
            "get_me: view with the raw shared httpx.Client (floor inside Django)",
            ms(raw_view),
            "",
            f"{raw_view / floor:.2f}x floor",
        ),
        Row(
            "get_me: request.imbrace over the raw call, both inside Django",
            us(ours - raw_view),
            "",
            f"{ours / raw_view:.2f}x",
        ),
        Row(
            "get_me: view with a new ImbraceClient per request",
            ms(naive),
            "",
            f"request.imbrace {naive / ours:.1f}x faster",
        ),
    ]


def connections_used(bench: Bench) -> list[Row]:
    count = bench.size(2000, 300)
    close_pool()  # count from a cold pool
    bench.sandbox.reset_stats()
    for _ in range(count):
        status, _body = bench.driver.get("/me/")
        assert status == 200, status
    opened = bench.sandbox.stats()["connections"]
    verdict = "met" if opened <= conf.POOL_SIZE else "MISSED"
    return [
        Row(
            f"TCP connections over {count} requests",
            str(opened),
            f"<= pool size ({conf.POOL_SIZE})",
            verdict,
        )
    ]


def _throughput(threads: int, total: int, make_call: Callable[[], Callable[[], object]]) -> float:
    per_thread = total // threads
    barrier = threading.Barrier(threads + 1)

    def work() -> None:
        call = make_call()
        barrier.wait()
        for _ in range(per_thread):
            call()
        connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    return per_thread * threads / (time.perf_counter() - started)


def concurrency(bench: Bench) -> list[Row]:
    rows = []
    total = bench.size(2400, 480)
    with httpx.Client(limits=httpx.Limits(max_connections=conf.POOL_SIZE)) as http:
        for threads in (1, 4, 8):
            ours = _throughput(threads, total, lambda: lambda: bench.driver.get("/me/"))
            floor = _throughput(threads, total, lambda: bench.floor_get(http))
            rows.append(
                Row(
                    f"requests/s with {threads} thread(s): view / floor",
                    f"{ours:,.0f} / {floor:,.0f}",
                    "",
                    f"{ours / floor:.2f} of floor",
                )
            )
    return rows


class _CallDurations(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seconds = 0.0
        self.calls = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("imbrace call") and isinstance(record.args, tuple):
            self.seconds += float(record.args[-1]) / 1000
            self.calls += 1


def sign_in(bench: Bench) -> list[Row]:
    rows = []
    logger = logging.getLogger("django_imbrace")
    for name in ("code", "password"):
        repeats = bench.size(30, 8)
        handler = _CallDurations()
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        bench.sandbox.reset_stats()
        elapsed = 0.0
        for _ in range(repeats):
            client = Client()
            if name == "code":
                bench.sandbox.advance(20 * 60)  # the gateway allows 10 codes per 3 hours
                started = time.perf_counter()
                client.post("/imbrace/login/", {"email": "alice@example.com"})
                code = bench.sandbox.last_code("alice@example.com")  # the user reads the mail
                elapsed += time.perf_counter() - started
                started = time.perf_counter()
                response = client.post("/imbrace/login/code/", {"code": code})
            else:
                started = time.perf_counter()
                response = client.post("/imbrace/login/password/", PASSWORD_FORM)
            elapsed += time.perf_counter() - started
            assert response.status_code == 302, response
            assert response["Location"] == "/", response["Location"]
        logger.removeHandler(handler)
        requests = bench.sandbox.stats()["requests"]
        trips = sum(requests.values()) / repeats
        gateway = handler.seconds / repeats
        own = elapsed / repeats - gateway
        rows.append(
            Row(
                f"{name} sign-in: gateway round trips",
                f"{trips:g}",
                "code 4 (request 1 + verify 3); password 3",
                _routes(requests, repeats),
            )
        )
        rows.append(
            Row(
                f"{name} sign-in: our views' own time (gateway time {ms(gateway)})",
                ms(own),
                "",
                f"{own / gateway:.2f}x the gateway time",
            )
        )
    return rows


def _routes(requests: dict[str, int], repeats: int) -> str:
    return ", ".join(f"{k} {v / repeats:g}" for k, v in requests.items() if v)


def _rss_and_fds() -> tuple[int, int]:
    with open("/proc/self/status") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
    return rss, len(os.listdir("/proc/self/fd"))


def memory(bench: Bench) -> list[Row]:
    first, then = bench.size(1000, 300), bench.size(10000, 2000)
    for _ in range(first):
        bench.driver.get("/me/")
    rss_a, fds_a = _rss_and_fds()
    for _ in range(then - first):
        bench.driver.get("/me/")
    rss_b, fds_b = _rss_and_fds()
    return [
        Row(
            f"RSS after {first} / {then} requests",
            f"{rss_a / 1024:.1f} / {rss_b / 1024:.1f} MiB",
            "no growth beyond noise",
            f"{(rss_b - rss_a) / 1024:+.1f} MiB",
        ),
        Row(
            f"open files after {first} / {then} requests",
            f"{fds_a} / {fds_b}",
            "equal",
            f"{fds_b - fds_a:+d}",
        ),
    ]
