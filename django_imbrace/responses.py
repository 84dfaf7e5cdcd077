"""The answers every part of the app gives for outages, throttling and missing sign-in."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.utils.translation import gettext as _


def wants_json(request: HttpRequest) -> bool:
    """True for XHR/fetch callers that asked for JSON rather than a page."""
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def unavailable_response(request: HttpRequest, message: str | None = None) -> HttpResponse:
    """503: Imbrace could not be reached or answered nonsense. Never carries gateway text."""
    text = message or _("We could not reach Imbrace just now. Please try again in a moment.")
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {"error": {"code": "unavailable", "message": text}}, status=503
        )
    else:
        response = render(request, "django_imbrace/unavailable.html", {"message": text}, status=503)
    response["Retry-After"] = "30"
    return response


def rate_limited_response(
    request: HttpRequest, message: str | None = None, retry_after: int | None = None
) -> HttpResponse:
    """429 with the "too many attempts" page (or JSON body) and a ``Retry-After`` header."""
    text = message or _("Too many attempts. Please wait a few minutes and try again.")
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {"error": {"code": "rate_limited", "message": text}}, status=429
        )
    else:
        response = render(
            request, "django_imbrace/too_many_attempts.html", {"message": text}, status=429
        )
    if retry_after:
        response["Retry-After"] = str(int(retry_after))
    return response


def login_required_response(request: HttpRequest) -> HttpResponse:
    """Send an anonymous caller to sign in: a redirect with ``next``, or a 401 JSON body."""
    login_url = resolve_url(settings.LOGIN_URL)
    if wants_json(request):
        body = {
            "error": {"code": "login_required", "message": _("Please sign in again.")},
            "login_url": login_url,
        }
        return JsonResponse(body, status=401)
    return redirect_to_login(request.get_full_path(), login_url)
