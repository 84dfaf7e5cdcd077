"""``manage.py imbrace_check`` against the sandbox and against a closed port."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from django_imbrace.sandbox import Fault, SandboxGateway
from tests.fixtures_request import closed_port_url


def run(**kwargs: Any) -> str:
    out = io.StringIO()
    call_command("imbrace_check", stdout=out, stderr=out, **kwargs)
    return out.getvalue()


def run_failing() -> tuple[str, CommandError]:
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("imbrace_check", stdout=out, stderr=out)
    return out.getvalue(), raised.value


def test_build_mode_checks_health(gateway: SandboxGateway) -> None:
    report = run()
    assert gateway.url in report
    assert "mode              build" in report
    assert "health            ok: App Gateway Public Server" in report
    assert "Imbrace check passed." in report
    assert gateway.stats.requests["health"] == 1
    assert gateway.stats.requests["me"] == 0


def test_wrap_mode_checks_the_key_without_printing_it(
    wrap_mode: str, gateway: SandboxGateway
) -> None:
    report = run()
    assert "API key           set (api_...)" in report
    assert "API key identity  ok:" in report
    assert gateway.organizations[0].id in report
    assert wrap_mode not in report
    assert [c.value for c in gateway.stats.credentials if c.route == "me"] == [wrap_mode]


def test_closed_port_fails_with_a_non_zero_exit(settings: Any) -> None:
    settings.IMBRACE_GATEWAY = closed_port_url()
    report, error = run_failing()
    assert "health            FAILED: unavailable (GatewayUnreachable)" in report
    assert "failed" in str(error)


def test_closed_port_exits_non_zero_from_the_command_line(settings: Any) -> None:
    settings.IMBRACE_GATEWAY = closed_port_url()
    with pytest.raises(SystemExit) as raised:
        ManagementUtility(["manage.py", "imbrace_check"]).execute()
    assert raised.value.code == 1


def test_refused_key_fails_without_printing_it(wrap_mode: str, gateway: SandboxGateway) -> None:
    gateway.revoke(wrap_mode)
    report, error = run_failing()
    assert "API key identity  FAILED: unauthorized (AuthError, HTTP 401)" in report
    assert wrap_mode not in report + str(error)


def test_malformed_health_answer_fails(gateway: SandboxGateway) -> None:
    gateway.inject("health", Fault.malformed())
    report, _ = run_failing()
    assert "health            FAILED: unavailable" in report


def test_configuration_errors_are_reported_and_fail(gateway: SandboxGateway, settings: Any) -> None:
    settings.IMBRACE_MODE = "wrap"  # and no key: E001
    report, _ = run_failing()
    assert "django_imbrace.E001" in report
    assert "hint:" in report
    assert "API key           not set" in report


def test_a_bad_key_is_reported_but_never_printed(gateway: SandboxGateway, settings: Any) -> None:
    settings.IMBRACE_API_KEY = "acc_looks-like-a-user-token"
    report, _ = run_failing()
    assert "django_imbrace.E002" in report
    assert "acc_looks-like-a-user-token" not in report


def test_warnings_are_reported_without_failing(gateway: SandboxGateway, settings: Any) -> None:
    settings.SILENCED_SYSTEM_CHECKS = []  # the test settings silence W001 (local-memory cache)
    # W001 needs a per-process cache: force one even when CACHE_URL names Redis.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    report = run()
    assert "django_imbrace.W001" in report
    assert "Imbrace check passed." in report


def test_a_health_answer_that_is_not_an_object_fails(gateway: SandboxGateway) -> None:
    gateway.inject("health", Fault.status(200, ["not", "an", "object"]))
    report, _ = run_failing()
    assert "health            FAILED: unexpected ValueError" in report


def test_a_get_me_answer_that_is_not_an_object_fails(
    wrap_mode: str, gateway: SandboxGateway
) -> None:
    gateway.inject("me", Fault.status(200, "null"))
    report, _ = run_failing()
    assert "API key identity  FAILED: unavailable (MalformedResponse, HTTP 200)" in report
