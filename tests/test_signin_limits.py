"""Every limit of DESIGN decision 8, crossed at its boundary, through the pages."""

from __future__ import annotations

from typing import Any

from django.test import Client

from django_imbrace import ratelimit
from django_imbrace.sandbox import SandboxGateway
from tests.fixtures_signin import (
    ALICE,
    ask_code,
    enter_code,
    password_login,
    pending,
    requests,
    stored_grant,
)


def _assert_too_many(response: Any) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"Too many attempts" in response.content


def test_code_requests_per_email(browser: Client, gateway_settings: SandboxGateway) -> None:
    for _ in range(3):
        assert ask_code(Client(), "Alice@Example.com ").status_code == 302
    _assert_too_many(ask_code(browser, "alice@example.COM"))
    assert requests(gateway_settings) == {"otp_request": 3}
    ratelimit.clock.advance(60)
    assert ask_code(browser, ALICE).status_code == 302


def test_code_requests_per_ip(browser: Client, gateway_settings: SandboxGateway) -> None:
    for n in range(20):
        assert ask_code(browser, f"user{n}@example.com").status_code == 302
    _assert_too_many(ask_code(browser, "user20@example.com"))
    other_ip = Client(REMOTE_ADDR="10.0.0.2")
    assert ask_code(other_ip, "user21@example.com").status_code == 302
    assert requests(gateway_settings) == {"otp_request": 21}


def test_unknown_addresses_are_limited_alike(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    for _ in range(3):
        assert ask_code(browser, "nobody@example.com").status_code == 302
    _assert_too_many(ask_code(browser, "nobody@example.com"))


def test_failed_passwords_per_email(browser: Client, gateway_settings: SandboxGateway) -> None:
    for _ in range(5):
        assert password_login(Client(REMOTE_ADDR=f"10.0.0.{_}"), ALICE, "nope").status_code == 200
    _assert_too_many(password_login(browser, ALICE))
    assert requests(gateway_settings) == {"authenticate": 5}
    assert stored_grant(browser) is None
    ratelimit.clock.advance(300)
    assert password_login(browser, ALICE).status_code == 302


def test_failed_sign_ins_per_ip(browser: Client, gateway_settings: SandboxGateway) -> None:
    for n in range(10):
        assert password_login(browser, f"user{n}@example.com", "nope").status_code == 200
    _assert_too_many(password_login(browser, ALICE))
    assert requests(gateway_settings) == {"authenticate": 10}
    assert password_login(Client(REMOTE_ADDR="10.9.9.9"), ALICE).status_code == 302


def test_a_success_does_not_reset_the_failure_history(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    for _ in range(4):
        password_login(browser, ALICE, "nope")
    assert password_login(Client(), ALICE).status_code == 302
    password_login(browser, ALICE, "nope")
    _assert_too_many(password_login(browser, ALICE))


def test_codes_and_passwords_share_the_failure_counter(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    ask_code(browser, ALICE)
    for _ in range(3):
        enter_code(browser, "ZZZZZ9")
    assert pending(browser) is None
    password_login(browser, ALICE, "nope")
    password_login(browser, ALICE, "nope")
    _assert_too_many(password_login(browser, ALICE))


def test_new_code_after_every_two_guesses_is_still_stopped(
    browser: Client, gateway_settings: SandboxGateway
) -> None:
    guesses = 0
    for _ in range(3):
        assert ask_code(browser, ALICE).status_code == 302
        for _ in range(2):
            if guesses == 5:
                break
            assert enter_code(browser, "ZZZZZ9").status_code == 200
            guesses += 1
    _assert_too_many(enter_code(browser, gateway_settings.last_code(ALICE)))
    assert requests(gateway_settings)["authenticate"] == 5


def test_gateway_429_answers_at_once_and_counts_nothing(
    browser: Client, gateway_settings: SandboxGateway, settings: Any
) -> None:
    from django_imbrace.sandbox import Fault

    settings.IMBRACE_RATE_LIMITS = {"login_failed": "1/m/key"}
    gateway_settings.inject("authenticate", Fault.status(429), times=1)
    _assert_too_many(password_login(browser, ALICE))
    assert password_login(browser, ALICE).status_code == 302


def test_gateway_code_limit_is_too_many_attempts(
    browser: Client, gateway_settings: SandboxGateway, settings: Any
) -> None:
    settings.IMBRACE_RATE_LIMITS = {}
    for _ in range(10):  # the sandbox's own limit (40010 "Generate otp over limit")
        assert ask_code(Client(), ALICE).status_code == 302
    _assert_too_many(ask_code(browser, ALICE))
    assert pending(browser) is None


def test_limits_can_be_turned_off(
    browser: Client, gateway_settings: SandboxGateway, settings: Any
) -> None:
    settings.IMBRACE_RATE_LIMITS = {}
    for _ in range(6):
        assert password_login(browser, ALICE, "nope").status_code == 200
