"""The sign-in steps before the exchange, shared by the pages and the JSON API.

Each step takes input that was already validated (by :mod:`.forms`), reserves its
rate-limit slots (and, for a code, one of the issued code's attempts) *before* calling
the gateway once through :mod:`.signin`, gives back what does not count (see
:mod:`.ratelimit`), updates the pending flow in the session and returns an
:class:`~django_imbrace.outcomes.Outcome`.
"""

from __future__ import annotations

from django.http import HttpRequest

from . import flow as flows
from . import outcomes, ratelimit
from .conf import conf
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

#: Sign-in failures that do not count: the gateway could not answer, or asked us to wait.
NOT_COUNTED = (UNAVAILABLE, RATE_LIMITED)


def _give_back(*slots: ratelimit.Slot) -> None:
    for slot in slots:
        slot.release()


def ask_for_code(request: HttpRequest, email: str, next_url: str) -> Outcome:
    """E-mail a code and start a flow at the code stage (same answer for unknown e-mails)."""
    slot = ratelimit.reserve(request, REQUEST_CODE, email)
    if slot.refused:
        failed(request, email, "otp", RATE_LIMITED)
        return Outcome(outcomes.RATE_LIMITED, retry_after=slot.retry_after)
    try:
        request_code(email)
    except SignInFailed as exc:
        if exc.reason == UNAVAILABLE:
            slot.release()
        failed(request, email, "otp", exc.reason)
        return Outcome(outcomes.REFUSED, reason=exc.reason)
    except BaseException:
        slot.release()
        raise
    pending = flows.PendingSignIn.start(email, "otp", flows.CODE_STAGE, next_url)
    flows.save(request.session, pending)
    return Outcome(outcomes.CODE_SENT, pending=pending)


def sign_in_with_password(
    request: HttpRequest, email: str, password: str, next_url: str
) -> Outcome:
    """Check the password at the gateway; then the organization step (or done)."""
    slot = ratelimit.reserve(request, LOGIN_FAILED, email)
    if slot.refused:
        failed(request, email, "password", RATE_LIMITED)
        return Outcome(outcomes.RATE_LIMITED, retry_after=slot.retry_after)
    try:
        access = login_with_password(email, password)
    except SignInFailed as exc:
        if exc.reason in NOT_COUNTED:
            slot.release()
        failed(request, email, "password", exc.reason)
        return Outcome(outcomes.REFUSED, reason=exc.reason)
    except BaseException:
        slot.release()
        raise
    slot.release()  # a success does not count (nor wipe the failures before it)
    pending = flows.PendingSignIn.start(email, "password", flows.ORGANIZATION_STAGE, next_url)
    return continue_after_login(request, pending, access)


def check_flow(pending: flows.PendingSignIn, flow_id: str | None) -> Outcome | None:
    """A step posted from an older flow (a stale tab): restart; the newer flow goes on.

    No flow id (``None`` or ``""``) is accepted: a client that never sends one.
    """
    if flow_id not in (None, "", pending.flow_id):
        return Outcome(outcomes.RESTART, reason=outcomes.REPLACED)
    return None


def check_code_attempt(
    request: HttpRequest, pending: flows.PendingSignIn, flow_id: str | None
) -> Outcome | None:
    """Before a code is even read: a code for an older flow, or too many failures."""
    replaced = check_flow(pending, flow_id)
    if replaced is not None:
        return replaced
    wait = ratelimit.blocked(request, LOGIN_FAILED, pending.email)
    if wait:
        failed(request, pending.email, "otp", RATE_LIMITED)
        return Outcome(outcomes.RATE_LIMITED, retry_after=wait)
    return None


def attempts_counter(pending: flows.PendingSignIn) -> str:
    """The cache key counting the wrong codes of this flow's issued code."""
    return f"imbrace:otp:attempts:{pending.flow_id}"


def verify_code(request: HttpRequest, pending: flows.PendingSignIn, code: str) -> Outcome:
    """Check a (normalised) code; wrong codes are counted and end the flow at the limit.

    Before the gateway call, one failed-sign-in slot (per e-mail and IP) and one of the
    issued code's ``IMBRACE_OTP_MAX_ATTEMPTS`` attempts are reserved in the cache (the
    session is last-writer-wins under parallel requests; the cache counter is atomic).
    A wrong code keeps both; a success, an outage or an expired code gives them back.
    """
    slot = ratelimit.reserve(request, LOGIN_FAILED, pending.email)
    if slot.refused:
        failed(request, pending.email, "otp", RATE_LIMITED)
        return Outcome(outcomes.RATE_LIMITED, retry_after=slot.retry_after)
    ttl = max(1, int(pending.deadline - ratelimit.clock.now())) + 60
    attempt = ratelimit.reserve_counter(attempts_counter(pending), conf.OTP_MAX_ATTEMPTS, ttl)
    if attempt.refused:
        slot.release()
        return _too_many_codes(request, pending)
    try:
        access = login_with_code(pending.email, code)
    except SignInFailed as exc:
        return _code_refused(request, pending, exc.reason, slot, attempt)
    except BaseException:
        _give_back(slot, attempt)
        raise
    _give_back(slot, attempt)  # a success does not count (nor wipe the failures before it)
    pending.stage = flows.ORGANIZATION_STAGE
    return continue_after_login(request, pending, access)


def _too_many_codes(request: HttpRequest, pending: flows.PendingSignIn) -> Outcome:
    flows.discard(request.session)
    failed(request, pending.email, "otp", "too_many_codes")
    return Outcome(outcomes.RESTART, pending=pending, reason="too_many_codes")


def _code_refused(
    request: HttpRequest,
    pending: flows.PendingSignIn,
    reason: str,
    slot: ratelimit.Slot,
    attempt: ratelimit.Slot,
) -> Outcome:
    failed(request, pending.email, "otp", reason)
    if reason in NOT_COUNTED:
        _give_back(slot, attempt)
        return Outcome(outcomes.REFUSED, pending=pending, reason=reason)
    if reason == "expired_code":
        _give_back(slot, attempt)
        flows.discard(request.session)
        return Outcome(outcomes.RESTART, pending=pending, reason=reason)
    pending.attempts = max(pending.attempts + 1, attempt.value)  # shown as attempts left
    if attempt.value >= conf.OTP_MAX_ATTEMPTS or pending.attempts_left() <= 0:
        return _too_many_codes(request, pending)
    flows.save(request.session, pending)
    return Outcome(outcomes.WRONG_CODE, pending=pending, reason="invalid_code")


def resend_code(request: HttpRequest, pending: flows.PendingSignIn) -> Outcome:
    """E-mail the code again: limited in number and spaced by a cooldown.

    Imbrace sends the *same* code while it is valid, so the wrong attempts made so far
    still count against it (a resend must not turn 3 guesses into 9).
    """
    if pending.resends_left() <= 0:
        return Outcome(outcomes.NO_MORE_RESENDS, pending=pending)
    wait = pending.resend_wait()
    if wait:
        return Outcome(outcomes.RESEND_WAIT, pending=pending, retry_after=wait)
    slot = ratelimit.reserve(request, REQUEST_CODE, pending.email)
    if slot.refused:
        return Outcome(outcomes.RATE_LIMITED, pending=pending, retry_after=slot.retry_after)
    try:
        request_code(pending.email)
    except SignInFailed as exc:
        if exc.reason == UNAVAILABLE:
            slot.release()
        return Outcome(outcomes.REFUSED, pending=pending, reason=exc.reason)
    except BaseException:
        slot.release()
        raise
    pending.resends += 1  # the gateway re-sends the same code: its attempts go on
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
