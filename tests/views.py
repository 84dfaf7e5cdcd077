"""Small views the tests drive through the middleware (sync and async).

They are written exactly as a user of the app would write them: the middleware, not
the view, answers for gateway failures and missing sign-ins.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path
from django.views.decorators.csrf import csrf_exempt

from django_imbrace.client import client_for_token
from django_imbrace.middleware import ImbraceHttpRequest


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("home")


def untouched(request: HttpRequest) -> HttpResponse:
    """Never touches ``request.imbrace``."""
    return HttpResponse("untouched")


def boards(request: ImbraceHttpRequest) -> JsonResponse:
    """Sync: the signed-in user's (or the API key's) boards."""
    return JsonResponse({"boards": [b["name"] for b in request.imbrace.boards.list()["data"]]})


def me(request: ImbraceHttpRequest) -> JsonResponse:
    """Sync JSON view: who the gateway thinks the credential belongs to."""
    return JsonResponse({"email": request.imbrace.platform.get_me()["email"]})


async def ame(request: ImbraceHttpRequest) -> JsonResponse:
    """Async twin of :func:`me`."""
    profile = await request.aimbrace.platform.get_me()
    return JsonResponse({"email": profile["email"]})


async def aboards(request: ImbraceHttpRequest) -> JsonResponse:
    """Async twin of :func:`boards`."""
    listing = await request.aimbrace.boards.list()
    return JsonResponse({"boards": [b["name"] for b in listing["data"]]})


async def aboth(request: ImbraceHttpRequest) -> JsonResponse:
    """Two calls on one request's async client (credentials resolved once)."""
    profile = await request.aimbrace.platform.get_me()
    listing = await request.aimbrace.boards.list()
    return JsonResponse({"email": profile["email"], "boards": listing["count"]})


def foreign_token(request: ImbraceHttpRequest) -> HttpResponse:
    """Uses a client of its own (not ``request.imbrace``) with a token the gateway refuses."""
    return HttpResponse(client_for_token("acc_not-issued").platform.get_me()["email"])


@csrf_exempt
def send_code(request: ImbraceHttpRequest) -> HttpResponse:
    """Makes one POST through ``request.imbrace`` (never retried by our transport)."""
    request.imbrace.request_otp("alice@example.com")
    return HttpResponse("sent")


def me_then_close(request: ImbraceHttpRequest) -> JsonResponse:
    """Closes its client after the call: the shared pool must survive it."""
    email = request.imbrace.platform.get_me()["email"]
    request.imbrace.close()
    return JsonResponse({"email": email})


def sign_in_page(request: ImbraceHttpRequest) -> HttpResponse:
    """A sign-in page that (wrongly) touches ``request.imbrace``: must not loop."""
    return HttpResponse(request.imbrace.platform.get_me()["email"])


def own_json_error(request: ImbraceHttpRequest) -> HttpResponse:
    """The view's own bug (not Imbrace's): must stay a 500, never a 503."""
    json.loads("{")
    return HttpResponse("unreachable")


def missing_board(request: ImbraceHttpRequest) -> JsonResponse:
    """An unhandled gateway 404: Django's 500, whose report must not hold the token."""
    return JsonResponse(request.imbrace.boards.get("no-such-board"))


def board(request: ImbraceHttpRequest) -> JsonResponse:
    """One board by an id from the query string (any text reaches the SDK)."""
    return JsonResponse(request.imbrace.boards.get(request.GET["id"]))


urlpatterns: list[URLPattern] = [
    path("r/board/", board, name="board"),
    path("r/own-json-error/", own_json_error, name="own-json-error"),
    path("r/missing-board/", missing_board, name="missing-board"),
    path("r/untouched/", untouched, name="untouched"),
    path("r/boards/", boards, name="boards"),
    path("r/me/", me, name="me"),
    path("r/ame/", ame, name="ame"),
    path("r/aboards/", aboards, name="aboards"),
    path("r/aboth/", aboth, name="aboth"),
    path("r/foreign-token/", foreign_token, name="foreign-token"),
    path("r/send-code/", send_code, name="send-code"),
    path("r/me-then-close/", me_then_close, name="me-then-close"),
    path("r/sign-in/", sign_in_page, name="sign-in-page"),
]
