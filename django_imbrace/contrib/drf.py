"""Django REST framework support (``pip install "django-imbrace[drf]"``).

Imported only when you name it; ``django_imbrace`` itself never imports DRF::

    REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "django_imbrace.contrib.drf.ImbraceSessionAuthentication",
        ],
        "EXCEPTION_HANDLER": "django_imbrace.contrib.drf.exception_handler",
    }

* :class:`ImbraceSessionAuthentication`: the Django session, CSRF enforced, and only for
  users whose session holds a live Imbrace grant (``request.auth`` is that
  :class:`~django_imbrace.session.AccessGrant`; its ``repr`` hides the token).
* ``request.imbrace`` works in DRF views as in Django views: DRF's ``Request`` hands
  unknown attributes to the Django request the middleware decorated.
  :class:`ImbraceRequest` is the type hint.
* :func:`exception_handler`: DRF's own handler first; then gateway failures and
  ``ImbraceLoginRequired`` get the middleware's decisions (sign-out on a rejected or
  expired token, 401, 403, 429, 503) rendered as the API's JSON error body, whatever
  the ``Accept`` header. Without it, those exceptions leave DRF and the middleware
  answers them (JSON only for JSON/XHR callers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions  # type: ignore[import-untyped]
from rest_framework.authentication import SessionAuthentication  # type: ignore[import-untyped]
from rest_framework.request import Request  # type: ignore[import-untyped]
from rest_framework.views import exception_handler as drf_exception_handler  # type: ignore[import-untyped]

from ..api.errors import UNAVAILABLE_RETRY_AFTER, error_response, rate_limited
from ..middleware import ImbraceMiddleware
from ..session import AccessGrant, load_grant

if TYPE_CHECKING:
    import imbrace

__all__ = ["ImbraceRequest", "ImbraceSessionAuthentication", "exception_handler"]


class ImbraceRequest(Request):  # type: ignore[misc]
    """For type hints in DRF views: ``def get(self, request: ImbraceRequest)``."""

    imbrace: imbrace.ImbraceClient
    aimbrace: imbrace.AsyncImbraceClient
    auth: AccessGrant | None


class ImbraceSessionAuthentication(SessionAuthentication):  # type: ignore[misc]
    """Session authentication for users signed in with Imbrace.

    Like DRF's ``SessionAuthentication`` (CSRF enforced on unsafe methods), but a user
    whose session holds no unexpired Imbrace grant is not authenticated by it. An
    unauthenticated request is answered 401 (with ``WWW-Authenticate``), not 403.
    """

    www_authenticate = 'Session realm="imbrace"'

    def authenticate(self, request: Request) -> tuple[Any, AccessGrant] | None:
        django_request: HttpRequest = request._request
        user = getattr(django_request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        grant = load_grant(django_request)
        if grant is None:
            return None
        self.enforce_csrf(request)
        return user, grant

    def authenticate_header(self, request: Request) -> str:
        return self.www_authenticate


_middleware = ImbraceMiddleware(lambda request: HttpResponse())


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """DRF's handler, then Imbrace failures as the API's JSON errors (``None``: not ours).

    The decisions (sign the user out on a rejected or expired token, 403 for a token
    that may not do this, 503 for a refused API key) are the middleware's; this only
    renders 401, 429 and 503 as ``{"error": {"code", "message"}}`` bodies.
    """
    response: HttpResponse | None = drf_exception_handler(exc, context)
    if response is not None:
        return response
    request: HttpRequest = context["request"]._request
    try:
        answer = _middleware.process_exception(request, exc)
    except PermissionDenied:
        return drf_exception_handler(exceptions.PermissionDenied(), context)  # type: ignore[no-any-return]
    if answer is None:
        return None
    if answer.status_code in (302, 401):  # the middleware's "sign in again", HTML or JSON
        return error_response(401, "login_required", _("Please sign in again."))
    if answer.status_code == 429:
        return rate_limited(int(answer.get("Retry-After", "0")) or None)
    if answer.status_code == 503:
        text = _("We could not reach Imbrace just now. Please try again in a moment.")
        return error_response(503, "unavailable", text, retry_after=UNAVAILABLE_RETRY_AFTER)
    return answer
