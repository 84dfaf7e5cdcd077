import httpx
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


_shared_http = httpx.Client()


def raw_me(request: HttpRequest) -> JsonResponse:
    """The floor inside Django: the same GET with one shared ``httpx.Client``, no SDK."""
    from django.conf import settings

    from django_imbrace.session import ACCESS_SESSION_KEY

    request.user.pk  # noqa: B018  (the user check request.imbrace makes)
    grant = request.session[ACCESS_SESSION_KEY]
    headers = {"x-access-token": grant["token"], "x-organization-id": grant["organization_id"]}
    url = f"{settings.IMBRACE_GATEWAY}/platform/v1/users/_me"
    return JsonResponse(_shared_http.get(url, headers=headers).json())


urlpatterns += [path("naive-me/", naive_me), path("raw-me/", raw_me)]
