"""One-time codes, login tokens and access tokens (call with ``state.lock`` held)."""

from __future__ import annotations

import secrets
import string
from datetime import timedelta

from .models import AccessToken, LoginToken, OtpRecord, OutboxMessage, SandboxUser, new_id
from .state import SandboxState

OTP_ALPHABET = string.ascii_uppercase + string.digits
OTP_LIFETIME = timedelta(minutes=15)
OTP_LIMIT = 10
OTP_LIMIT_WINDOW = timedelta(hours=3)
LOGIN_TOKEN_LIFETIME = timedelta(hours=3)
ACCESS_TOKEN_LIFETIME = timedelta(days=30)


class OtpLimitExceeded(Exception):
    """More than :data:`OTP_LIMIT` code requests for one address in the window."""


def issue_otp(state: SandboxState, email: str) -> str:
    """Send a code to ``email``: the current one while valid, else a new one."""
    now = state.clock.now()
    recent = [t for t in state.otp_requests.get(email, []) if now - t < OTP_LIMIT_WINDOW]
    if len(recent) >= OTP_LIMIT:
        state.otp_requests[email] = recent
        raise OtpLimitExceeded(email)
    state.otp_requests[email] = [*recent, now]
    record = state.otps.get(email)
    if record is None or record.expires_at <= now:
        code = "".join(secrets.choice(OTP_ALPHABET) for _ in range(6))
        record = OtpRecord(email=email, code=code, expires_at=now + OTP_LIFETIME)
        state.otps[email] = record
    state.outbox.append(OutboxMessage(email=email, code=record.code, sent_at=now))
    if state.print_codes:
        print(f"[imbrace sandbox] code for {email}: {record.code}", flush=True)
    return record.code


def issue_login_token(state: SandboxState, user: SandboxUser) -> LoginToken:
    """A new ``login_acc_`` token for ``user`` (3 hours)."""
    token = new_id("login_acc")
    expires = state.clock.now() + LOGIN_TOKEN_LIFETIME
    state.login_tokens[token] = LoginToken(token, user.internal_id, expires)
    return state.login_tokens[token]


def issue_access_token(state: SandboxState, user: SandboxUser, org_id: str) -> AccessToken:
    """A new ``acc_`` token for ``user`` in ``org_id`` (30 days)."""
    now = state.clock.now()
    token = new_id("acc")
    state.access_tokens[token] = AccessToken(
        token, user.internal_id, org_id, now, now + ACCESS_TOKEN_LIFETIME
    )
    return state.access_tokens[token]


def revoke(state: SandboxState, token: str) -> bool:
    """Forget a ``login_acc_`` / ``acc_`` token or an ``api_`` key; ``True`` if known."""
    login = state.login_tokens.pop(token, None)
    access = state.access_tokens.pop(token, None)
    key = state.api_keys.pop(token, None)
    return login is not None or access is not None or key is not None
