"""The sign-in steps before the exchange, shared by the pages and the JSON API.

Each step takes input that was already validated (by :mod:`.forms`), checks and counts
the rate limits, calls the gateway once through :mod:`.signin`, updates the pending
flow in the session and returns an :class:`~django_imbrace.outcomes.Outcome`.
"""

from __future__ import annotations

from django.http import HttpRequest

from . import flow as flows
from . import outcomes, ratelimit
from .finish import continue_after_login, exchange_and_login, failed
from .outcomes import Outcome
from .ratelimit import LOGIN_FAILED, REQUEST_CODE
from .signin import (
    RATE_LIMITED,
    UNAVAILABLE,
    SignInFailed,
    login_with_code,
    login_with_password,
    request_code,
)


def ask_for_code(request: HttpRequest, email: str, next_url: str) -> Outcome:
    """E-mail a code and start a flow at the code stage (same answer for unknown e-mails)."""
    wait = ratelimit.blocked(request, REQUEST_CODE, email)
    if wait:
        failed(request, email, "otp", RATE_LIMITED)
        return Outcome(outcomes.RATE_LIMITED, retry_after=wait)
    try:
        request_code(email)
    except SignInFailed as exc:
        if exc.reason != UNAVAILABLE:
            ratelimit.record(request, REQUEST_CODE, email)
        failed(request, email, "otp", exc.reason)
        return Outcome(outcomes.REFUSED, reason=exc.reason)
    ratelimit.record(request, REQUEST_CODE, email)
    pending = flows.PendingSignIn.start(email, "otp", flows.CODE_STAGE, next_url)
    flows.save(request.session, pending)
    return Outcome(outcomes.CODE_SENT, pending=pending)


def sign_in_with_password(
    request: HttpRequest, email: str, password: str, next_url: str
) -> Outcome:
    """Check the password at the gateway; then the organization step (or done)."""
    wait = ratelimit.blocked(request, LOGIN_FAILED, email)
    if wait:
        failed(request, email, "password", RATE_LIMITED)
        return Outcome(outcomes.RATE_LIMITED, retry_after=wait)
    try:
        access = login_with_password(email, password)
    except SignInFailed as exc:
        if exc.reason not in (UNAVAILABLE, RATE_LIMITED):
            ratelimit.record(request, LOGIN_FAILED, email)
        failed(request, email, "password", exc.reason)
        return Outcome(outcomes.REFUSED, reason=exc.reason)
    pending = flows.PendingSignIn.start(email, "password", flows.ORGANIZATION_STAGE, next_url)
    return continue_after_login(request, pending, access)


def check_code_attempt(
    request: HttpRequest, pending: flows.PendingSignIn, flow_id: str | None
) -> Outcome | None:
    """Before a code is even read: a code for an older flow, or too many failures."""
    if flow_id not in (None, "", pending.flow_id):
        return Outcome(outcomes.RESTART, reason=outcomes.REPLACED)
    wait = ratelimit.blocked(request, LOGIN_FAILED, pending.email)
    if wait:
        failed(request, pending.email, "otp", RATE_LIMITED)
        return Outcome(outcomes.RATE_LIMITED, retry_after=wait)
    return None


def verify_code(request: HttpRequest, pending: flows.PendingSignIn, code: str) -> Outcome:
    """Check a (normalised) code; wrong codes are counted and end the flow at the limit."""
    try:
        access = login_with_code(pending.email, code)
    except SignInFailed as exc:
        return _code_refused(request, pending, exc.reason)
    pending.stage = flows.ORGANIZATION_STAGE
    return continue_after_login(request, pending, access)


def _code_refused(request: HttpRequest, pending: flows.PendingSignIn, reason: str) -> Outcome:
    failed(request, pending.email, "otp", reason)
    if reason in (UNAVAILABLE, RATE_LIMITED):
        return Outcome(outcomes.REFUSED, pending=pending, reason=reason)
    if reason == "expired_code":
        flows.discard(request.session)
        return Outcome(outcomes.RESTART, pending=pending, reason=reason)
    ratelimit.record(request, LOGIN_FAILED, pending.email)
    pending.attempts += 1
    if pending.attempts_left() <= 0:
        flows.discard(request.session)
        failed(request, pending.email, "otp", "too_many_codes")
        return Outcome(outcomes.RESTART, pending=pending, reason="too_many_codes")
    flows.save(request.session, pending)
    return Outcome(outcomes.WRONG_CODE, pending=pending, reason="invalid_code")


def resend_code(request: HttpRequest, pending: flows.PendingSignIn) -> Outcome:
    """E-mail the code again: limited in number and spaced by a cooldown."""
    if pending.resends_left() <= 0:
        return Outcome(outcomes.NO_MORE_RESENDS, pending=pending)
    wait = pending.resend_wait()
    if wait:
        return Outcome(outcomes.RESEND_WAIT, pending=pending, retry_after=wait)
    limited = ratelimit.blocked(request, REQUEST_CODE, pending.email)
    if limited:
        return Outcome(outcomes.RATE_LIMITED, pending=pending, retry_after=limited)
    try:
        request_code(pending.email)
    except SignInFailed as exc:
        if exc.reason != UNAVAILABLE:
            ratelimit.record(request, REQUEST_CODE, pending.email)
        return Outcome(outcomes.REFUSED, pending=pending, reason=exc.reason)
    ratelimit.record(request, REQUEST_CODE, pending.email)
    pending.resends += 1
    pending.attempts = 0
    pending.code_sent_at = ratelimit.clock.now()
    flows.save(request.session, pending)
    return Outcome(outcomes.CODE_SENT, pending=pending)


def choose_organization(
    request: HttpRequest, pending: flows.PendingSignIn, org_id: str | None
) -> Outcome:
    """Exchange the login token for the chosen organization, if this login listed it."""
    chosen = pending.organization(org_id) if org_id else None
    if chosen is None:
        failed(request, pending.email, pending.method, "not_a_member")
        return Outcome(outcomes.NOT_LISTED, pending=pending, reason="not_a_member")
    token = flows.take_login_token(request.session, pending)
    return exchange_and_login(request, pending, token, chosen.id)
