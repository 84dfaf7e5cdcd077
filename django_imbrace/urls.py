"""``include("django_imbrace.urls")``: the sign-in pages under one namespace."""

from __future__ import annotations

from django.urls import include, path

from . import views

app_name = "django_imbrace"

urlpatterns = [
    path("login/", views.start, name="login"),
    path("login/password/", views.password, name="password"),
    path("login/code/", views.code, name="code"),
    path("login/code/resend/", views.resend, name="resend"),
    path("login/organization/", views.organization, name="organization"),
    path("logout/", views.logout, name="logout"),
    path("api/", include("django_imbrace.api.urls")),
]
