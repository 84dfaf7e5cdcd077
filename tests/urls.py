from django.urls import include, path

from tests import views

urlpatterns = [
    path("imbrace/", include("django_imbrace.urls")),
    path("", views.home, name="home"),
    *views.urlpatterns,
]
