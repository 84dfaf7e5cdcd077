"""Fixtures for the browser tests: Debian's Chromium, headless, driven by Playwright.

Locally, without Chromium (or without the ``playwright`` package) every browser test
skips with one reason saying how to enable them. With ``CI`` set they fail instead:
CI installs Chromium, so a missing browser there is a broken build, not a skip.

Chromium is found at ``$IMBRACE_CHROMIUM``, else ``chromium`` / ``chromium-browser``
on ``PATH``. Playwright's own browser download is never used.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import caches

from django_imbrace.conf import conf
from django_imbrace.sandbox import SandboxGateway

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ENABLE_HINT = (
    "apt-get install chromium (or set IMBRACE_CHROMIUM=/path/to/chromium) "
    "and pip install -e '.[test]' to enable them"
)
STEP_TIMEOUT_MS = 10_000

Shot = Callable[[str], Path]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def find_chromium() -> str | None:
    configured = os.environ.get("IMBRACE_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or ``None`` when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed"
    if find_chromium() is None:
        return "Chromium was not found"
    return None


def skip_without_browser() -> None:
    """Call at the top of a browser test module: skips the whole module (one line in the
    report) when the browser is missing, unless ``CI`` is set."""
    problem = missing_browser()
    if problem and not in_ci():
        pytest.skip(f"browser tests skipped: {problem}; {ENABLE_HINT}", allow_module_level=True)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium per test module (each test gets its own context).

    Playwright's sync API keeps its event loop registered as running in this thread
    while it is open, so Django's async-safety guard would refuse the test's own
    (synchronous) database calls. The guard is lifted only while the browser is open,
    and the browser lives one module, never the whole session: tests outside this
    directory keep the guard and their own event loops.
    """
    problem = missing_browser()
    if problem:
        if in_ci():
            pytest.fail(f"browser tests must run in CI, but {problem}: {ENABLE_HINT}")
        pytest.skip(f"browser tests skipped: {problem}; {ENABLE_HINT}")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=find_chromium(), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh page in a fresh context (no cookies), desktop-sized."""
    context = chromium.new_context(viewport={"width": 1024, "height": 720}, locale="en-US")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def shot(page: Page, request: pytest.FixtureRequest) -> Shot:
    """``shot("step")`` saves the page as ``test-artifacts/screenshots/<test>-<step>.png``."""
    directory = Path(request.config.rootpath) / "test-artifacts" / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")

    def take(step: str) -> Path:
        path = directory / f"{test}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def site(live_server: Any, gateway_settings: SandboxGateway, settings: Any) -> Iterator[SiteHandle]:
    """The example site on a live server and the sandbox gateway (build mode)."""
    settings.ROOT_URLCONF = "example_project.urls"
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "example_project"]
    settings.LOGIN_REDIRECT_URL = "dashboard"
    settings.LOGOUT_REDIRECT_URL = "home"
    acme, globex = (org.id for org in gateway_settings.organizations)
    gateway_settings.add_board(acme, "Acme launch plan")
    gateway_settings.add_board(globex, "Globex world domination")
    yield SiteHandle(live_server.url, gateway_settings)
    caches[conf.CACHE_ALIAS].clear()


class SiteHandle:
    """The live server's base URL and the sandbox behind it."""

    def __init__(self, url: str, gateway: SandboxGateway) -> None:
        self.url = url.rstrip("/")
        self.gateway = gateway

    def __call__(self, path: str) -> str:
        return self.url + path
