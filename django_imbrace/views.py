"""The sign-in pages: start (code or password), code, organization, resend, sign-out.

Every view is ``csrf_protect``-ed, ``never_cache`` and hides POSTed secrets from error
reports (``sensitive_post_parameters``). Pending state lives in :mod:`.flow`; the
finishing steps (exchange, ``login()``, storing the grant) in :mod:`.finish`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from . import flow as flows
from . import ratelimit
from .finish import (
    TEMPLATES,
    continue_after_login,
    exchange_and_login,
    failed,
    form_failure,
    safe_next,
    target_url,
)
from .forms import CodeForm, EmailForm, OrganizationForm, PasswordForm
from .ratelimit import LOGIN_FAILED, REQUEST_CODE
from .responses import rate_limited_response
from .signin import (
    RATE_LIMITED,
    UNAVAILABLE,
    SignInFailed,
    login_with_code,
    login_with_password,
    request_code,
)

View = Callable[..., HttpResponse]


def _protected(view: View) -> View:
    return sensitive_post_parameters()(csrf_protect(never_cache(view)))


def _restart(request: HttpRequest, text: str) -> HttpResponse:
    messages.error(request, text, fail_silently=True)
    return redirect("django_imbrace:login")


EXPIRED = gettext_lazy("Your sign-in has expired or is already complete. Please start again.")


@_protected
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Step 1: the e-mail address; POST e-mails a code (identical for unknown addresses)."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    context: dict[str, Any] = {"next": next_url, "mode": "code"}
    if request.method != "POST":
        context["form"] = EmailForm()
        return render(request, TEMPLATES["login"], context)
    form = context["form"] = EmailForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATES["login"], context)
    email = form.cleaned_data["email"]
    wait = ratelimit.blocked(request, REQUEST_CODE, email)
    if wait:
        failed(request, email, "otp", RATE_LIMITED)
        return rate_limited_response(request, retry_after=wait)
    try:
        request_code(email)
    except SignInFailed as exc:
        if exc.reason != UNAVAILABLE:
            ratelimit.record(request, REQUEST_CODE, email)
        failed(request, email, "otp", exc.reason)
        return form_failure(request, "login", context, exc.reason)
    ratelimit.record(request, REQUEST_CODE, email)
    pending = flows.PendingSignIn.start(email, "otp", flows.CODE_STAGE, next_url)
    flows.save(request.session, pending)
    return redirect("django_imbrace:code")


@_protected
@require_http_methods(["GET", "POST"])
def password(request: HttpRequest) -> HttpResponse:
    """E-mail address and password; then the organization step."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    context: dict[str, Any] = {"next": next_url, "mode": "password"}
    if request.method != "POST" or request.POST.get("action") == "choose":
        typed = request.POST.get("email", "")[:254]
        context["form"] = PasswordForm(initial={"email": typed})
        return render(request, TEMPLATES["login"], context)
    form = context["form"] = PasswordForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATES["login"], context)
    email = form.cleaned_data["email"]
    wait = ratelimit.blocked(request, LOGIN_FAILED, email)
    if wait:
        failed(request, email, "password", RATE_LIMITED)
        return rate_limited_response(request, retry_after=wait)
    try:
        access = login_with_password(email, form.cleaned_data["password"])
    except SignInFailed as exc:
        if exc.reason not in (UNAVAILABLE, RATE_LIMITED):
            ratelimit.record(request, LOGIN_FAILED, email)
        failed(request, email, "password", exc.reason)
        return form_failure(request, "login", context, exc.reason)
    pending = flows.PendingSignIn.start(email, "password", flows.ORGANIZATION_STAGE, next_url)
    return continue_after_login(request, pending, access)


@_protected
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """Step 2 of the code flow: the code from the e-mail."""
    pending = flows.load(request.session, flows.CODE_STAGE)
    if pending is None:
        return _restart(request, str(EXPIRED))
    context: dict[str, Any] = {"pending": pending, "email": pending.email}
    if request.method != "POST":
        context["form"] = CodeForm(initial={"flow": pending.flow_id})
        return render(request, TEMPLATES["code"], context)
    form = context["form"] = CodeForm(request.POST)
    if request.POST.get("flow") not in (None, "", pending.flow_id):
        return _restart(request, _("This sign-in was replaced by a newer one. Please start again."))
    wait = ratelimit.blocked(request, LOGIN_FAILED, pending.email)
    if wait:
        failed(request, pending.email, "otp", RATE_LIMITED)
        return rate_limited_response(request, retry_after=wait)
    if not form.is_valid():
        return render(request, TEMPLATES["code"], context)
    try:
        access = login_with_code(pending.email, form.cleaned_data["code"])
    except SignInFailed as exc:
        return _code_refused(request, pending, form, context, exc.reason)
    pending.stage = flows.ORGANIZATION_STAGE
    return continue_after_login(request, pending, access)


def _code_refused(
    request: HttpRequest,
    pending: flows.PendingSignIn,
    form: CodeForm,
    context: dict[str, Any],
    reason: str,
) -> HttpResponse:
    failed(request, pending.email, "otp", reason)
    if reason in (UNAVAILABLE, RATE_LIMITED):
        return form_failure(request, "code", context, reason)
    if reason == "expired_code":
        flows.discard(request.session)
        return _restart(request, _("That code has expired. Please ask for a new one."))
    ratelimit.record(request, LOGIN_FAILED, pending.email)
    pending.attempts += 1
    if pending.attempts_left() <= 0:
        flows.discard(request.session)
        failed(request, pending.email, "otp", "too_many_codes")
        return _restart(request, _("Too many wrong codes. Please ask for a new code."))
    flows.save(request.session, pending)
    form.add_error("code", _("That code is not correct. Check the e-mail and try again."))
    return render(request, TEMPLATES["code"], context)


@_protected
@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    """E-mail the code again: limited in number and spaced by a cooldown."""
    pending = flows.load(request.session, flows.CODE_STAGE)
    if pending is None:
        return _restart(request, str(EXPIRED))
    if pending.resends_left() <= 0:
        messages.error(
            request, _("No more codes can be sent for this sign-in."), fail_silently=True
        )
        return redirect("django_imbrace:code")
    wait = pending.resend_wait()
    if wait:
        text = _("Please wait %(seconds)d seconds before asking for another code.")
        messages.info(request, text % {"seconds": wait}, fail_silently=True)
        return redirect("django_imbrace:code")
    limited = ratelimit.blocked(request, REQUEST_CODE, pending.email)
    if limited:
        return rate_limited_response(request, retry_after=limited)
    try:
        request_code(pending.email)
    except SignInFailed as exc:
        if exc.reason != UNAVAILABLE:
            ratelimit.record(request, REQUEST_CODE, pending.email)
        context = {"pending": pending, "email": pending.email, "form": CodeForm()}
        return form_failure(request, "code", context, exc.reason)
    ratelimit.record(request, REQUEST_CODE, pending.email)
    pending.resends += 1
    pending.attempts = 0
    pending.code_sent_at = ratelimit.clock.now()
    flows.save(request.session, pending)
    messages.success(request, _("We sent the code again."), fail_silently=True)
    return redirect("django_imbrace:code")


@_protected
@require_http_methods(["GET", "POST"])
def organization(request: HttpRequest) -> HttpResponse:
    """The organization picker (only when the login lists several organizations)."""
    pending = flows.load(request.session, flows.ORGANIZATION_STAGE)
    if pending is None or not pending.login_token:
        return _restart(request, str(EXPIRED))
    context: dict[str, Any] = {"pending": pending, "organizations": pending.organizations}
    if request.method != "POST":
        return render(request, TEMPLATES["organization"], context)
    form = OrganizationForm(request.POST)
    chosen = pending.organization(form.data.get("organization", "")) if form.is_valid() else None
    if chosen is None:
        failed(request, pending.email, pending.method, "not_a_member")
        context["error"] = _("Choose one of the organizations listed.")
        return render(request, TEMPLATES["organization"], context, status=400)
    token = flows.take_login_token(request.session, pending)
    return exchange_and_login(request, pending, token, chosen.id)


@csrf_protect
@never_cache
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only): the whole session, Imbrace token included, is flushed."""
    candidate = safe_next(request, request.POST.get("next"))
    auth_logout(request)
    return HttpResponseRedirect(candidate or target_url(request, "", logout=True))
