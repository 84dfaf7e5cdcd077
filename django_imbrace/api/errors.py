"""Error answers of the API: one body shape, one status per kind of failure.

``{"error": {"code": str, "message": str, "fields"?: {name: [message]}}, "signin"?: {...}}``
with 400 (invalid input, refused sign-in), 401 (not signed in), 403 (CSRF), 405,
409 (no pending sign-in, wrong stage, replaced flow, no resends left), 429 (with
``Retry-After``) and 503 (Imbrace unavailable, with ``Retry-After``). ``signin`` is the
pending sign-in after a step failed, so a client knows whether to go on or start again.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from .. import outcomes
from ..finish import messages_for, resend_wait_message
from ..outcomes import Outcome
from ..signin import RATE_LIMITED, UNAVAILABLE
from .bodies import signin_body

#: Outcome reasons renamed for API clients.
CODES = {outcomes.NO_PENDING: "no_pending_signin", outcomes.REPLACED: "flow_replaced"}
_CONFLICTS = {outcomes.NO_PENDING, outcomes.REPLACED}
UNAVAILABLE_RETRY_AFTER = 30
RATE_LIMITED_RETRY_AFTER = 60


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    fields: dict[str, list[str]] | None = None,
    retry_after: int | None = None,
    signin: dict[str, Any] | None = None,
) -> JsonResponse:
    """The one error body of the API (``Retry-After`` set when given)."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    body: dict[str, Any] = {"error": error}
    if signin is not None:
        body["signin"] = signin
    response = JsonResponse(body, status=status)
    if retry_after:
        response["Retry-After"] = str(int(retry_after))
    return response


def validation_error(fields: dict[str, list[str]]) -> JsonResponse:
    """400 ``invalid``: what is wrong with each field."""
    return error_response(400, "invalid", _("Please correct the fields shown."), fields=fields)


def no_pending(request: HttpRequest) -> JsonResponse:
    """409: no sign-in is pending at the stage this endpoint needs."""
    return outcome_error(request, Outcome(outcomes.RESTART, reason=outcomes.NO_PENDING), "otp")


def reason_error(request: HttpRequest, reason: str, method: str, **extra: Any) -> JsonResponse:
    """A refused or ended sign-in: 503 outage, 429 throttled, 409 lost flow, else 400."""
    signin = signin_body(request)
    if reason == UNAVAILABLE:
        text = messages_for(UNAVAILABLE, method)
        return error_response(
            503, "unavailable", text, retry_after=UNAVAILABLE_RETRY_AFTER, signin=signin
        )
    if reason == RATE_LIMITED:
        return rate_limited(RATE_LIMITED_RETRY_AFTER, signin)
    status = 409 if reason in _CONFLICTS else 400
    code = CODES.get(reason, reason)
    return error_response(status, code, messages_for(reason, method), signin=signin, **extra)


def rate_limited(retry_after: int | None, signin: dict[str, Any] | None = None) -> JsonResponse:
    """429 ``rate_limited`` with ``Retry-After``."""
    text = _("Too many attempts. Please wait a few minutes and try again.")
    wait = retry_after or RATE_LIMITED_RETRY_AFTER
    return error_response(429, "rate_limited", text, retry_after=wait, signin=signin)


def outcome_error(request: HttpRequest, outcome: Outcome, method: str) -> JsonResponse:
    """The error answer for a step that did not move the sign-in forward."""
    kind = outcome.kind
    if kind == outcomes.RATE_LIMITED:
        return rate_limited(outcome.retry_after, signin_body(request))
    if kind == outcomes.RESEND_WAIT:
        seconds = outcome.retry_after or 1
        text = resend_wait_message(seconds)
        signin = signin_body(request)
        return error_response(429, "resend_wait", text, retry_after=seconds, signin=signin)
    if kind == outcomes.NO_MORE_RESENDS:
        text = messages_for(outcomes.NO_MORE_RESENDS, method)
        return error_response(409, "no_more_resends", text, signin=signin_body(request))
    if kind == outcomes.WRONG_CODE:
        text = messages_for("invalid_code", method)
        return reason_error(request, "invalid_code", method, fields={"code": [text]})
    if kind == outcomes.NOT_LISTED:
        text = messages_for(outcomes.NOT_LISTED, method)
        return reason_error(request, "not_a_member", method, fields={"organization": [text]})
    return reason_error(request, outcome.reason, method)
