"""The sign-in pages: start (code or password), code, organization, resend, sign-out.

Every view is ``csrf_protect``-ed, ``never_cache`` and hides secrets from error reports:
POSTed ones (``sensitive_post_parameters``) and the local variables of every frame below
the view, ours and the SDK's (``sensitive_variables``: a code or password is held in
locals all the way down to the HTTP call). The steps themselves live in :mod:`.steps`
and :mod:`.finish` (shared with the JSON API); these views validate the forms and
render each step's :class:`~django_imbrace.outcomes.Outcome` as a page or a redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from . import flow as flows
from . import outcomes, steps
from .finish import (
    TEMPLATES,
    ended_page,
    form_failure,
    messages_for,
    resend_wait_message,
    safe_next,
    target_url,
)
from .forms import CodeForm, EmailForm, OrganizationForm, PasswordForm
from .outcomes import Outcome
from .responses import rate_limited_response

View = Callable[..., HttpResponse]


def _protected(view: View) -> View:
    hidden = sensitive_variables()(sensitive_post_parameters()(view))
    return csrf_protect(never_cache(hidden))


def _restart(request: HttpRequest, text: str) -> HttpResponse:
    messages.error(request, text, fail_silently=True)
    return redirect("django_imbrace:login")


def _expired(request: HttpRequest) -> HttpResponse:
    """Back to the start: no sign-in is pending at this stage."""
    return _restart(request, messages_for(outcomes.NO_PENDING, "otp"))


def _page(request: HttpRequest, outcome: Outcome) -> HttpResponse:
    """The page or redirect for the outcomes every step shares."""
    pending = outcome.pending
    if outcome.kind == outcomes.RATE_LIMITED:
        return rate_limited_response(request, retry_after=outcome.retry_after)
    if outcome.kind == outcomes.RESTART:
        return _restart(request, messages_for(outcome.reason, "otp"))
    if outcome.kind == outcomes.ORGANIZATION:
        return redirect("django_imbrace:organization")
    assert pending is not None
    if outcome.kind == outcomes.ENDED:
        return ended_page(request, pending, outcome.reason)
    return HttpResponseRedirect(target_url(request, pending.next_url))


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
    outcome = steps.ask_for_code(request, form.cleaned_data["email"], next_url)
    if outcome.kind == outcomes.REFUSED:
        return form_failure(request, "login", context, outcome.reason)
    if outcome.kind == outcomes.CODE_SENT:
        return redirect("django_imbrace:code")
    return _page(request, outcome)


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
    data = form.cleaned_data
    outcome = steps.sign_in_with_password(request, data["email"], data["password"], next_url)
    if outcome.kind == outcomes.REFUSED:
        return form_failure(request, "login", context, outcome.reason)
    return _page(request, outcome)


@_protected
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """Step 2 of the code flow: the code from the e-mail."""
    pending = flows.load(request.session, flows.CODE_STAGE)
    if pending is None:
        return _expired(request)
    context: dict[str, Any] = {"pending": pending, "email": pending.email}
    if request.method != "POST":
        context["form"] = CodeForm(initial={"flow": pending.flow_id})
        return render(request, TEMPLATES["code"], context)
    form = context["form"] = CodeForm(request.POST)
    refused = steps.check_code_attempt(request, pending, request.POST.get("flow"))
    if refused is not None:
        return _page(request, refused)
    if not form.is_valid():
        return render(request, TEMPLATES["code"], context)
    outcome = steps.verify_code(request, pending, form.cleaned_data["code"])
    if outcome.kind == outcomes.REFUSED:
        return form_failure(request, "code", context, outcome.reason)
    if outcome.kind == outcomes.WRONG_CODE:
        form.add_error("code", messages_for("invalid_code", "otp"))
        return render(request, TEMPLATES["code"], context)
    return _page(request, outcome)


@_protected
@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    """E-mail the code again: limited in number and spaced by a cooldown."""
    pending = flows.load(request.session, flows.CODE_STAGE)
    if pending is None:
        return _expired(request)
    outcome = steps.resend_code(request, pending)
    if outcome.kind == outcomes.NO_MORE_RESENDS:
        text = messages_for(outcomes.NO_MORE_RESENDS, "otp")
        messages.error(request, text, fail_silently=True)
    elif outcome.kind == outcomes.RESEND_WAIT:
        text = resend_wait_message(outcome.retry_after or 1)
        messages.info(request, text, fail_silently=True)
    elif outcome.kind == outcomes.REFUSED:
        context = {"pending": pending, "email": pending.email, "form": CodeForm()}
        return form_failure(request, "code", context, outcome.reason)
    elif outcome.kind == outcomes.CODE_SENT:
        messages.success(request, _("We sent the code again."), fail_silently=True)
    else:
        return _page(request, outcome)
    return redirect("django_imbrace:code")


@_protected
@require_http_methods(["GET", "POST"])
def organization(request: HttpRequest) -> HttpResponse:
    """The organization picker (only when the login lists several organizations)."""
    pending = flows.load(request.session, flows.ORGANIZATION_STAGE)
    if pending is None or not pending.login_token:
        return _expired(request)
    context: dict[str, Any] = {"pending": pending, "organizations": pending.organizations}
    if request.method != "POST":
        return render(request, TEMPLATES["organization"], context)
    replaced = steps.check_flow(pending, request.POST.get("flow"))
    if replaced is not None:
        return _page(request, replaced)
    form = OrganizationForm(request.POST)
    org_id = form.cleaned_data["organization"] if form.is_valid() else None
    outcome = steps.choose_organization(request, pending, org_id)
    if outcome.kind == outcomes.NOT_LISTED:
        context["error"] = messages_for(outcomes.NOT_LISTED, pending.method)
        return render(request, TEMPLATES["organization"], context, status=400)
    return _page(request, outcome)


@csrf_protect
@never_cache
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only): the whole session, Imbrace token included, is flushed."""
    candidate = safe_next(request, request.POST.get("next"))
    auth_logout(request)
    return HttpResponseRedirect(candidate or target_url(request, "", logout=True))
