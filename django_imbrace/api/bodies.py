"""The JSON bodies of successful answers: the pending sign-in, and who is signed in.

Neither ever holds a token, a code or a password.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .. import flow as flows
from ..finish import target_url
from ..outcomes import Outcome
from ..ratelimit import clock
from ..session import load_grant


def signin_body(request: HttpRequest, pending: flows.PendingSignIn | None = None) -> dict[str, Any]:
    """The pending sign-in (``pending``, or the session's): its stage and what it needs next."""
    if pending is None:
        pending = flows.load(request.session)
    if pending is None or (pending.stage == flows.ORGANIZATION_STAGE and not pending.login_token):
        return {"stage": "none"}
    body: dict[str, Any] = {
        "stage": pending.stage,
        "email": pending.email,
        "method": pending.method,
        "expires_in": max(0, int(pending.deadline - clock.now())),
        "flow": pending.flow_id,
    }
    if pending.stage == flows.CODE_STAGE:
        body["attempts_left"] = pending.attempts_left()
        body["resends_left"] = pending.resends_left()
        body["resend_in"] = pending.resend_wait()
    else:
        body["organizations"] = [{"id": o.id, "name": o.name} for o in pending.organizations]
    return body


def me_body(request: HttpRequest) -> dict[str, Any]:
    """The signed-in Django user and their Imbrace access (no token: only whether it is live)."""
    user: Any = request.user
    email_field = getattr(user, "get_email_field_name", lambda: "email")()
    grant = load_grant(request)
    return {
        "user": {
            "id": str(user.pk),
            "username": user.get_username(),
            "email": str(getattr(user, email_field, "") or ""),
        },
        "imbrace": {
            "active": grant is not None,
            "organization_id": grant.organization_id if grant else None,
            "user_id": (grant.imbrace_user_id or None) if grant else None,
            "expires_at": grant.expires_at.isoformat() if grant else None,
        },
    }


def done_body(request: HttpRequest, outcome: Outcome) -> dict[str, Any]:
    """The sign-in is complete: where the site wanted to go next, and who is signed in."""
    next_url = outcome.pending.next_url if outcome.pending else ""
    return {"stage": "done", "next": target_url(request, next_url), "me": me_body(request)}
