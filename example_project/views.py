"""The example site: a home page, a dashboard of the organization's boards, an async API view."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from django_imbrace.conf import WRAP_MODE, conf

ACCOUNT_URL = "{}/platform/v1/account"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "example/home.html", {"wrap_mode": conf.MODE == WRAP_MODE})


def dashboard(request: HttpRequest) -> HttpResponse:
    """The organization's boards. Build mode needs a signed-in user; wrap mode uses the key."""
    if conf.MODE != WRAP_MODE and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    client = request.imbrace  # type: ignore[attr-defined]
    # The SDK's typed ``account.get()`` drops ``organization_name``; ask the same endpoint
    # through the client's own transport (same credential, pool and time budget).
    account: dict[str, Any] = client.http.request("GET", ACCOUNT_URL.format(conf.GATEWAY)).json()
    boards: dict[str, Any] = client.boards.list(limit=100)
    context = {
        "account": account,
        "boards": boards.get("data", []),
        "wrap_mode": conf.MODE == WRAP_MODE,
    }
    return render(request, "example/dashboard.html", context)


async def me(request: HttpRequest) -> JsonResponse:
    """An async view: the caller's Imbrace profile, straight from the gateway."""
    profile: dict[str, Any] = await request.aimbrace.platform.get_me()  # type: ignore[attr-defined]
    fields = ("id", "email", "display_name", "role", "organization_id")
    return JsonResponse({key: profile.get(key) for key in fields})
