from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    """Touches the session and user the way a real page would, but not ``request.imbrace``."""
    return HttpResponse(f"ok {request.user.pk}")


def me(request: HttpRequest) -> JsonResponse:
    return JsonResponse(request.imbrace.platform.get_me())  # type: ignore[attr-defined]


urlpatterns = [
    path("trivial/", trivial),
    path("me/", me),
    path("imbrace/", include("django_imbrace.urls")),
]


def naive_me(request: HttpRequest) -> JsonResponse:
    """What the SDK's docs suggest for Django: a new ``ImbraceClient`` per request."""
    from django.conf import settings
    from imbrace import ImbraceClient

    from django_imbrace.session import ACCESS_SESSION_KEY

    grant = request.session[ACCESS_SESSION_KEY]
    with ImbraceClient(
        gateway=settings.IMBRACE_GATEWAY,
        access_token=grant["token"],
        organization_id=grant["organization_id"],
    ) as client:
        return JsonResponse(client.platform.get_me())


urlpatterns.append(path("naive-me/", naive_me))
