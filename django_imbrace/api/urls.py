"""``path("api/", include("django_imbrace.api.urls"))`` (done by ``django_imbrace.urls``):
the JSON endpoints under ``django_imbrace:api``. Described in ``openapi.json``."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("csrf/", views.csrf, name="csrf"),
    path("signin/", views.signin, name="signin"),
    path("signin/code/", views.request_code, name="request-code"),
    path("signin/code/resend/", views.resend_code, name="resend-code"),
    path("signin/code/verify/", views.verify_code, name="verify-code"),
    path("signin/password/", views.password, name="password"),
    path("signin/organization/", views.organization, name="organization"),
    path("me/", views.me, name="me"),
    path("signout/", views.signout, name="signout"),
    path("openapi.json", views.openapi, name="openapi"),
]
