"""Small views the tests drive through the middleware (sync and async)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern

urlpatterns: list[URLPattern] = []


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("home")
