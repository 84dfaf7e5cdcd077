from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("api/me/", views.me, name="me"),
    path("imbrace/", include("django_imbrace.urls")),
    path("admin/", admin.site.urls),
]
