"""The decorators every API view wears: JSON in and out, methods, CSRF, no caching.

CSRF is checked here with Django's own :class:`~django.middleware.csrf.CsrfViewMiddleware`
logic (token from the ``X-CSRFToken`` header, Origin/Referer checks on HTTPS), but a
failure answers the API's 403 JSON body instead of Django's HTML page. The views are
therefore marked ``csrf_exempt`` for the global middleware only: the check is never off.

POST endpoints hide secrets from error reports like the pages do: POSTed fields
(``sensitive_post_parameters``) and every local variable of every frame below the view,
the parsed JSON body and the SDK's ``otp``/``password`` included (``sensitive_variables``).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from .errors import error_response

logger = logging.getLogger("django.security.csrf")

GetView = Callable[[HttpRequest], HttpResponse]
PostView = Callable[[HttpRequest, dict[str, Any]], HttpResponse]


class JsonCsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check, answering a failure with the API's 403 body."""

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        logger.warning("Forbidden (%s): %s", reason, request.path)
        text = _("The security token (CSRF) is missing or wrong. Please reload and try again.")
        return error_response(403, "csrf_failed", text)


def csrf_failure(request: HttpRequest) -> HttpResponseBase | None:
    """The 403 answer when this unsafe request fails the CSRF check, else ``None``."""
    check = JsonCsrfCheck(lambda _request: HttpResponse())
    check.process_request(request)
    return check.process_view(request, lambda _request: HttpResponse(), (), {})


def _method_not_allowed(allowed: str) -> HttpResponse:
    response = error_response(405, "method_not_allowed", _("This method is not allowed here."))
    response["Allow"] = allowed
    return response


def json_get(view: GetView) -> GetView:
    """A GET endpoint (sets the CSRF cookie, so a client can POST next)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if request.method != "GET":
            return _method_not_allowed("GET")
        return view(request)

    return csrf_exempt(never_cache(ensure_csrf_cookie(wrapper)))


def json_post(view: PostView) -> GetView:
    """A POST endpoint: CSRF enforced, the body parsed as a JSON object (empty: ``{}``).

    Any other body (a form, nesting too deep for the parser) is 400 ``invalid_json``;
    one over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is 413 ``too_large``, before the CSRF check
    (which could not read it either; nothing is done for it).
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return _method_not_allowed("POST")
        try:
            raw = request.body  # first: the CSRF check reads request.POST (a form's stream)
        except RequestDataTooBig:
            text = _("The request body is too large.")
            return error_response(413, "too_large", text)
        rejected = csrf_failure(request)
        if rejected is not None:
            return rejected  # type: ignore[return-value]
        try:
            body = json.loads(raw or b"{}")
        except (ValueError, RecursionError):  # RecursionError: nested too deeply
            body = None
        if not isinstance(body, dict):
            text = _("The request body must be a JSON object.")
            return error_response(400, "invalid_json", text)
        return view(request, body)

    hidden = sensitive_variables()(sensitive_post_parameters()(wrapper))
    return csrf_exempt(never_cache(hidden))


FieldErrors = dict[str, list[str]]


def form_data(body: dict[str, Any], names: tuple[str, ...]) -> tuple[dict[str, str], FieldErrors]:
    """The named fields of ``body`` for a Django form, and the fields that are not text."""
    data: dict[str, str] = {}
    errors: FieldErrors = {}
    for name in names:
        value = body.get(name)
        if isinstance(value, str):
            data[name] = value
        elif value is not None:
            errors[name] = [_("This field must be a string.")]
    return data, errors
