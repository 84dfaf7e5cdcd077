"""The pending sign-in kept in the session."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.cache import SessionStore

from django_imbrace import flow, ratelimit
from django_imbrace.flow import FLOW_SESSION_KEY, Organization, PendingSignIn


def test_round_trip_and_hidden_token() -> None:
    pending = PendingSignIn.start("a@example.com", "otp", flow.CODE_STAGE, "/next/")
    pending.organizations = [Organization("org_1", "Acme")]
    pending.login_token = "login_acc_secret"
    assert "login_acc_secret" not in repr(pending)
    assert PendingSignIn.from_session(pending.to_session()) == pending
    assert PendingSignIn.from_session("garbage") is None
    assert PendingSignIn.from_session({"unknown": 1}) is None


def test_deadline_attempts_and_resends(settings: Any) -> None:
    settings.IMBRACE_FLOW_TIMEOUT = 100
    settings.IMBRACE_OTP_RESEND_COOLDOWN = 30
    session = SessionStore()
    pending = PendingSignIn.start("a@example.com", "otp", flow.CODE_STAGE)
    flow.save(session, pending)
    assert pending.attempts_left() == 3
    assert pending.resends_left() == 2
    assert 29 <= pending.resend_wait() <= 30
    try:
        ratelimit.clock.advance(30)
        assert pending.resend_wait() == 0
        assert flow.load(session, flow.CODE_STAGE) is not None
        assert flow.load(session, flow.ORGANIZATION_STAGE) is None
        ratelimit.clock.advance(70)
        assert flow.load(session) is None
        assert FLOW_SESSION_KEY not in session
    finally:
        ratelimit.clock.reset()


def test_take_login_token_removes_the_flow(db: None) -> None:
    session = SessionStore()
    pending = PendingSignIn.start("a@example.com", "password", flow.ORGANIZATION_STAGE)
    pending.login_token = "login_acc_x"
    flow.save(session, pending)
    assert flow.take_login_token(session, pending) == "login_acc_x"
    assert pending.login_token == ""
    assert flow.load(session) is None
