"""The API endpoints. Each validates its JSON body with the pages' forms, runs the
shared step (:mod:`django_imbrace.steps`) and renders its outcome as JSON."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from django.contrib.auth import logout as auth_logout
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _

from .. import flow as flows
from .. import outcomes, steps
from ..finish import safe_next
from ..forms import CodeForm, EmailForm, OrganizationForm, PasswordForm
from ..outcomes import Outcome
from .bodies import done_body, me_body, signin_body
from .endpoint import form_data, json_get, json_post
from .errors import error_response, no_pending, outcome_error, validation_error


def _answer(request: HttpRequest, outcome: Outcome, method: str) -> HttpResponse:
    if outcome.kind in (outcomes.CODE_SENT, outcomes.ORGANIZATION):
        return JsonResponse(signin_body(request, outcome.pending))
    if outcome.kind == outcomes.SIGNED_IN:
        return JsonResponse(done_body(request, outcome))
    return outcome_error(request, outcome, method)


def _valid(form_class: type[Form], body: dict[str, Any]) -> Form | HttpResponse:
    """The bound, valid form; or the 400 answer naming each wrong field."""
    data, errors = form_data(body, tuple(form_class.base_fields))
    form = form_class(data)
    if errors or not form.is_valid():
        for name, messages in form.errors.items():
            if name not in errors:
                errors[name] = [str(message) for message in messages]
        return validation_error(errors)
    return form


def _next(request: HttpRequest, body: dict[str, Any]) -> str:
    value = body.get("next")
    return safe_next(request, value) if isinstance(value, str) else ""


@json_get
def csrf(request: HttpRequest) -> HttpResponse:
    """Set the CSRF cookie and return its token (send it back as ``X-CSRFToken``)."""
    return JsonResponse({"csrf_token": get_token(request)})


@json_get
def signin(request: HttpRequest) -> HttpResponse:
    """The pending sign-in: ``none``, ``code`` or ``organization`` and what it needs."""
    return JsonResponse(signin_body(request))


@json_post
def request_code(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    """E-mail a code; same answer for addresses Imbrace does not know."""
    form = _valid(EmailForm, body)
    if isinstance(form, HttpResponse):
        return form
    outcome = steps.ask_for_code(request, form.cleaned_data["email"], _next(request, body))
    return _answer(request, outcome, "otp")


@json_post
def resend_code(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    """E-mail the code of the pending sign-in again."""
    pending = flows.load(request.session, flows.CODE_STAGE)
    if pending is None:
        return no_pending(request)
    return _answer(request, steps.resend_code(request, pending), "otp")


@json_post
def verify_code(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    """Check the code from the e-mail: signed in, or the organization stage."""
    pending = flows.load(request.session, flows.CODE_STAGE)
    if pending is None:
        return no_pending(request)
    flow_id = body.get("flow")
    refused = steps.check_code_attempt(
        request, pending, flow_id if isinstance(flow_id, str) else None
    )
    if refused is not None:
        return _answer(request, refused, "otp")
    form = _valid(CodeForm, body)
    if isinstance(form, HttpResponse):
        return form
    return _answer(request, steps.verify_code(request, pending, form.cleaned_data["code"]), "otp")


@json_post
def password(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    """Sign in with e-mail and password: signed in, or the organization stage."""
    form = _valid(PasswordForm, body)
    if isinstance(form, HttpResponse):
        return form
    data = form.cleaned_data
    outcome = steps.sign_in_with_password(
        request, data["email"], data["password"], _next(request, body)
    )
    return _answer(request, outcome, "password")


@json_post
def organization(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    """Choose one of the organizations this login listed; then signed in."""
    pending = flows.load(request.session, flows.ORGANIZATION_STAGE)
    if pending is None or not pending.login_token:
        return no_pending(request)
    flow_id = body.get("flow")
    replaced = steps.check_flow(pending, flow_id if isinstance(flow_id, str) else None)
    if replaced is not None:
        return _answer(request, replaced, pending.method)
    form = _valid(OrganizationForm, body)
    if isinstance(form, HttpResponse):
        return form
    outcome = steps.choose_organization(request, pending, form.cleaned_data["organization"])
    return _answer(request, outcome, pending.method)


@json_get
def me(request: HttpRequest) -> HttpResponse:
    """Who is signed in: the Django user, the Imbrace organization, whether access is live."""
    if not request.user.is_authenticated:
        return error_response(401, "login_required", _("You are not signed in."))
    return JsonResponse(me_body(request))


@json_post
def signout(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    """Sign out: the whole session, Imbrace token included, is flushed (204)."""
    auth_logout(request)
    return HttpResponse(status=204)


@cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description shipped with the package (``openapi.json``)."""
    text = resources.files(__package__).joinpath("openapi.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@json_get
def openapi(request: HttpRequest) -> HttpResponse:
    """The OpenAPI document, its server URL set to where this site mounts the API."""
    base = request.path.removesuffix("openapi.json").rstrip("/")
    document = {**openapi_document(), "servers": [{"url": base}]}
    return JsonResponse(document, json_dumps_params={"indent": 1})
