"""``manage.py imbrace_check``: is the configured Imbrace gateway reachable and usable?

Reports the configuration checks, calls ``GET /`` on the gateway and, in wrap mode,
``get_me`` with the API key. Exits non-zero when anything fails. Never prints the key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.checks import ERROR, run_checks
from django.core.management.base import BaseCommand, CommandError

from django_imbrace.client import anonymous_client, client_for_api_key
from django_imbrace.conf import WRAP_MODE, conf
from django_imbrace.errors import classify


def _describe(exc: Exception) -> str:
    """What went wrong, from our exception texts only (never a gateway body)."""
    failure = classify(exc)
    if failure is None:
        return f"unexpected {type(exc).__name__}"
    status = getattr(exc, "status_code", None)
    suffix = f", HTTP {status}" if status else ""
    return f"{failure.value} ({type(exc).__name__}{suffix})"


class Command(BaseCommand):
    help = "Check the Imbrace settings and call the configured gateway."
    requires_system_checks: list[str] = []  # reported below instead of aborting

    def handle(self, *args: Any, **options: Any) -> None:
        self.failures = 0
        mode = conf.MODE
        self.line("gateway", conf.GATEWAY)
        self.line("mode", mode)
        key = conf.API_KEY
        key_state = "not set" if not key else "set" + (" (api_...)" if key[:4] == "api_" else "")
        self.line("API key", key_state)
        self.report_checks()
        self.call("health", lambda: self.health())
        if mode == WRAP_MODE and key:
            self.call("API key identity", lambda: self.identity())
        if self.failures:
            raise CommandError(f"Imbrace check failed ({self.failures} problem(s)).")
        self.stdout.write(self.style.SUCCESS("Imbrace check passed."))

    def line(self, label: str, value: str) -> None:
        self.stdout.write(f"  {label:<17} {value}")

    def report_checks(self) -> None:
        messages = [
            m
            for m in run_checks()
            if str(m.id or "").startswith("django_imbrace.") and not m.is_silenced()
        ]
        if not messages:
            self.line("configuration", "ok")
        for message in messages:
            failed = message.level >= ERROR
            self.failures += failed
            style = self.style.ERROR if failed else self.style.WARNING
            self.stdout.write(style(f"  {message.id:<17} {message.msg}"))
            if message.hint:
                self.stdout.write(f"  {'':<17} hint: {message.hint}")

    def call(self, label: str, probe: Callable[[], str]) -> None:
        started = time.monotonic()
        try:
            outcome = probe()
        except Exception as exc:  # every failure is reported, never raised
            self.failures += 1
            self.stdout.write(self.style.ERROR(f"  {label:<17} FAILED: {_describe(exc)}"))
            return
        elapsed = (time.monotonic() - started) * 1000
        self.line(label, f"ok: {outcome} ({elapsed:.0f} ms)")

    @staticmethod
    def health() -> str:
        body = anonymous_client(caller="imbrace_check").health.check()
        if not isinstance(body, dict):
            raise ValueError("health answer is not a JSON object")
        return f"{body.get('name', '?')} {body.get('version', '')}".strip()

    @staticmethod
    def identity() -> str:
        me = client_for_api_key(caller="imbrace_check").platform.get_me()
        if not isinstance(me, dict):
            raise ValueError("get_me answer is not a JSON object")
        return f"{me.get('email', '?')} in organization {me.get('organization_id', '?')}"
