"""Ending a sign-in: the organization step, the exchange, ``login()`` and the grant.

Order matters (DESIGN decision 5): the login token leaves the session before it is
exchanged (single use, at most one exchange per login), the user is authenticated
through Django's backends, ``login()`` cycles (or flushes) the session, and only then
is the ``acc_`` token stored, with the session expiring no later than the token.

:func:`continue_after_login` and :func:`exchange_and_login` return an
:class:`~django_imbrace.outcomes.Outcome`; the pages and the JSON API render it.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import flow as flows
from . import outcomes
from .conf import conf
from .errors import Failure, ImbraceUnavailable, classify
from .forms import EmailForm, PasswordForm
from .outcomes import Outcome
from .responses import rate_limited_response, unavailable_response, wants_json
from .session import store_grant
from .signals import imbrace_login_failed, imbrace_login_succeeded
from .signin import RATE_LIMITED, UNAVAILABLE, LoginAccess, SignInFailed, exchange

logger = logging.getLogger("django_imbrace")

TEMPLATES = {
    "login": "django_imbrace/login.html",
    "code": "django_imbrace/code.html",
    "organization": "django_imbrace/organization.html",
}


def messages_for(reason: str, method: str) -> str:
    """The message shown for a refused sign-in, in the user's language."""
    texts = {
        "invalid_credentials": _("The e-mail address or password is incorrect."),
        "invalid_code": _("That code is not correct. Check the e-mail and try again."),
        "code_not_sent": _("We could not send a code to this address. Check it and try again."),
        "expired_code": _("That code has expired. Please ask for a new one."),
        "deactivated": _("This Imbrace account has been deactivated."),
        "not_a_member": _("Your Imbrace account is not a member of this organization."),
        "no_organization": _("Your Imbrace account does not belong to any organization."),
        "expired": _("Your sign-in has expired. Please start again."),
        "too_many_codes": _("Too many wrong codes. Please ask for a new code."),
        outcomes.NO_PENDING: _(
            "Your sign-in has expired or is already complete. Please start again."
        ),
        outcomes.REPLACED: _("This sign-in was replaced by a newer one. Please start again."),
        outcomes.NO_MORE_RESENDS: _("No more codes can be sent for this sign-in."),
        outcomes.NOT_LISTED: _("Choose one of the organizations listed."),
        UNAVAILABLE: _("We could not reach Imbrace just now. Please try again in a moment."),
    }
    generic = (
        _("The e-mail address or password is incorrect.")
        if method == "password"
        else _("We could not sign you in with this e-mail address.")
    )
    return texts.get(reason, generic)


def resend_wait_message(seconds: int) -> str:
    """The message for a resend asked for ``seconds`` too early, in the user's language."""
    text = _("Please wait %(seconds)d seconds before asking for another code.")
    return text % {"seconds": seconds}


def safe_next(request: HttpRequest, value: str | None) -> str:
    """``value`` when it is a safe redirect target on this site, else ``""``.

    Checked with ``url_has_allowed_host_and_scheme`` (this host only, https-only on a
    secure request); control characters (NUL, tab, newline) anywhere refuse it.
    """
    if not value or len(value) > 2000:
        return ""
    value = value.strip(" ")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return ""
    allowed = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if allowed else ""


def target_url(request: HttpRequest, next_url: str, *, logout: bool = False) -> str:
    """Where to go after the flow: ``next`` (checked again) or the configured default."""
    fallback = settings.LOGOUT_REDIRECT_URL if logout else settings.LOGIN_REDIRECT_URL
    if logout and not fallback:
        fallback = settings.LOGIN_URL
    return safe_next(request, next_url) or resolve_url(fallback)


def failed(request: HttpRequest, email: str, method: str, reason: str) -> None:
    """Announce a refused sign-in (no secrets: address, method and reason only)."""
    imbrace_login_failed.send(
        sender=failed, request=request, email=email, method=method, reason=reason
    )
    logger.info("imbrace sign-in refused method=%s reason=%s", method, reason)


def form_failure(
    request: HttpRequest, page: str, context: dict[str, Any], reason: str
) -> HttpResponse:
    """Re-render ``page`` (typed e-mail kept) for a refusal, 503 for an outage, 429 at once."""
    if reason == RATE_LIMITED:
        return rate_limited_response(request, retry_after=60)
    if reason == UNAVAILABLE and (wants_json(request) or conf.RAISE_UNAVAILABLE):
        if conf.RAISE_UNAVAILABLE:
            raise ImbraceUnavailable("Imbrace is unavailable")
        return unavailable_response(request)
    pending = context.get("pending")
    text = messages_for(reason, pending.method if pending else context.get("mode", "otp"))
    context["error"] = text
    form = context.get("form")
    if form is not None and form.is_bound:
        form.add_error(None, text)
        context["error"] = None
    response = render(
        request, TEMPLATES[page], context, status=503 if reason == UNAVAILABLE else 200
    )
    if reason == UNAVAILABLE:
        response["Retry-After"] = "30"
    return response


def ended_page(request: HttpRequest, pending: flows.PendingSignIn, reason: str) -> HttpResponse:
    """The page for an :data:`~.outcomes.ENDED` sign-in: the start page, e-mail kept."""
    form_class = PasswordForm if pending.method == "password" else EmailForm
    context: dict[str, Any] = {
        "form": form_class(initial={"email": pending.email}),
        "next": pending.next_url,
        "mode": "password" if pending.method == "password" else "code",
    }
    return form_failure(request, "login", context, reason)


def end(request: HttpRequest, pending: flows.PendingSignIn, reason: str) -> Outcome:
    """The sign-in is over without success: announced, and the flow discarded."""
    failed(request, pending.email, pending.method, reason)
    flows.discard(request.session)
    return Outcome(outcomes.ENDED, pending=pending, reason=reason)


def continue_after_login(
    request: HttpRequest, pending: flows.PendingSignIn, access: LoginAccess
) -> Outcome:
    """After a good code or password: pick the organization, or exchange at once."""
    organizations = access.organizations
    forced = conf.ORGANIZATION_ID
    if forced:
        if not any(org.id == forced for org in organizations):
            return end(request, pending, "not_a_member")
        return exchange_and_login(request, pending, access.token, forced)
    if not organizations:
        return end(request, pending, "no_organization")
    if len(organizations) == 1:
        return exchange_and_login(request, pending, access.token, organizations[0].id)
    pending.stage = flows.ORGANIZATION_STAGE
    pending.organizations = organizations
    pending.login_token = access.token
    flows.save(request.session, pending)
    return Outcome(outcomes.ORGANIZATION, pending=pending)


def exchange_and_login(
    request: HttpRequest, pending: flows.PendingSignIn, login_token: str, org_id: str
) -> Outcome:
    """Exchange once, authenticate through the backends, ``login()``, then store the grant."""
    flows.discard(request.session)
    try:
        grant = exchange(login_token, org_id, pending.method)
        user = authenticate(request, imbrace_access_token=grant)
    except SignInFailed as exc:
        return end(request, pending, exc.reason)
    except DatabaseError:
        logger.exception("imbrace sign-in: database error")
        return end(request, pending, UNAVAILABLE)
    except Exception as exc:
        failure = classify(exc)
        if failure is None:
            raise
        reason = RATE_LIMITED if failure is Failure.RATE_LIMITED else UNAVAILABLE
        return end(request, pending, reason)
    if user is None:
        return end(request, pending, "inactive_user")
    try:
        login(request, user)  # also saves last_login: a database error leaves no half session
    except DatabaseError:
        logger.exception("imbrace sign-in: database error")
        request.session.flush()
        request.user = AnonymousUser()
        return end(request, pending, UNAVAILABLE)
    identity = getattr(user, "imbrace_identity", None)
    user_id = identity.imbrace_user_id if identity is not None else ""
    store_grant(request, dataclasses.replace(grant, imbrace_user_id=user_id))
    imbrace_login_succeeded.send(
        sender=exchange_and_login,
        request=request,
        user=user,
        organization_id=org_id,
        method=pending.method,
    )
    return Outcome(outcomes.SIGNED_IN, pending=pending)
