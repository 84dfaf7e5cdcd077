"""Django REST framework: the Imbrace session authentication, ``request.imbrace`` in DRF
views, and gateway failures mapped by the exception handler (or by the middleware)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import include, path
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from django_imbrace.contrib.drf import ImbraceRequest, ImbraceSessionAuthentication
from django_imbrace.sandbox import Fault, SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY
from django_imbrace.testing import sign_in
from tests.fixtures_api import Api, sign_in_with_code
from tests.fixtures_request import expired, write_grant
from tests.fixtures_signin import ALICE, requests

pytestmark = pytest.mark.urls("tests.test_drf")
HANDLER = "django_imbrace.contrib.drf.exception_handler"


class Boards(APIView):
    """A DRF view written as a user of the app would: ``request.imbrace`` and nothing else."""

    authentication_classes = [ImbraceSessionAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def get(self, request: ImbraceRequest) -> Response:
        listing = request.imbrace.boards.list()
        assert request.auth is not None
        return Response(
            {
                "boards": [board["name"] for board in listing["data"]],
                "organization_id": request.auth.organization_id,
                "auth": repr(request.auth),
                "user": request.user.get_username(),
            }
        )

    def post(self, request: ImbraceRequest) -> Response:
        return Response({"posted": True})


class Broken(APIView):
    """Fails with an error that is none of Imbrace's business."""

    authentication_classes = [ImbraceSessionAuthentication]
    renderer_classes = [JSONRenderer]

    def get(self, request: ImbraceRequest) -> Response:
        raise LookupError("a bug in the view")


urlpatterns = [
    path("drf/boards/", Boards.as_view()),
    path("drf/broken/", Broken.as_view()),
    path("imbrace/", include("django_imbrace.urls")),
]


@pytest.fixture
def handler(settings: Any) -> None:
    settings.REST_FRAMEWORK = {"EXCEPTION_HANDLER": HANDLER}


@pytest.fixture
def alice(gateway_settings: SandboxGateway, handler: None) -> Client:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, gateway_settings, ALICE)
    return client


def test_importing_the_app_does_not_import_drf() -> None:
    code = (
        "import sys, django; django.setup();"
        "import django_imbrace.urls, django_imbrace.api.views, django_imbrace.contrib,"
        " django_imbrace.middleware, django_imbrace.testing;"
        "assert 'rest_framework' not in sys.modules, 'rest_framework imported'"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_request_imbrace_in_a_drf_view(alice: Client, gateway_settings: SandboxGateway) -> None:
    response = alice.get("/drf/boards/")
    assert response.status_code == 200
    body = response.json()
    assert body["boards"]
    assert body["user"] == ALICE
    assert body["organization_id"] == gateway_settings.user(ALICE).organization_ids[0]
    assert "token=<hidden>" in body["auth"]
    assert "acc_" not in response.content.decode()
    assert requests(gateway_settings)["boards"] == 1


def test_signed_in_through_the_json_api(gateway_settings: SandboxGateway, handler: None) -> None:
    api = Api()
    assert sign_in_with_code(api, gateway_settings, ALICE).json()["stage"] == "done"
    assert api.client.get("/drf/boards/").json()["user"] == ALICE


def test_anonymous_gets_401(gateway_settings: SandboxGateway, handler: None) -> None:
    response = Client().get("/drf/boards/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Session realm="imbrace"'
    assert requests(gateway_settings) == {}


def test_a_session_without_imbrace_access_is_not_authenticated(
    gateway_settings: SandboxGateway, handler: None, django_user_model: Any
) -> None:
    client = Client()
    user = django_user_model.objects.create_user("local", "local@example.com", "pw")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/drf/boards/").status_code == 401


def test_an_expired_grant_is_not_authenticated(
    alice: Client, gateway_settings: SandboxGateway
) -> None:
    from django_imbrace.session import AccessGrant

    grant = AccessGrant.from_session(alice.session[ACCESS_SESSION_KEY])
    assert grant is not None
    write_grant(alice, expired(grant))
    assert alice.get("/drf/boards/").status_code == 401
    assert requests(gateway_settings) == {"authenticate": 1, "exchange": 1, "me": 1}


def test_csrf_is_enforced_on_unsafe_methods(alice: Client) -> None:
    refused = alice.post("/drf/boards/", {})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    alice.get("/imbrace/api/csrf/")
    token = alice.cookies["csrftoken"].value
    accepted = alice.post("/drf/boards/", {}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200


@pytest.mark.parametrize("accept", ["application/json", "text/html,*/*;q=0.8"])
def test_outage_is_a_503_json_error(
    alice: Client, gateway_settings: SandboxGateway, settings: Any, accept: str
) -> None:
    settings.IMBRACE_TIMEOUT = 0.25
    gateway_settings.inject("boards", Fault.status(503), times=5)
    response = alice.get("/drf/boards/", headers={"Accept": accept})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert response["Retry-After"] == "30"


def test_gateway_429_is_a_429_json_error(alice: Client, gateway_settings: SandboxGateway) -> None:
    gateway_settings.inject("boards", Fault.status(429), times=5)
    response = alice.get("/drf/boards/")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_a_revoked_token_signs_the_user_out(
    alice: Client, gateway_settings: SandboxGateway
) -> None:
    token = alice.session[ACCESS_SESSION_KEY]["token"]
    gateway_settings.revoke(token)
    response = alice.get("/drf/boards/", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "login_required"
    assert ACCESS_SESSION_KEY not in alice.session
    assert "_auth_user_id" not in alice.session


def test_a_forbidden_call_is_drfs_403(alice: Client, gateway_settings: SandboxGateway) -> None:
    gateway_settings.inject("boards", Fault.status(403), times=5)
    response = alice.get("/drf/boards/")
    assert response.status_code == 403
    assert "detail" in response.json()
    assert ACCESS_SESSION_KEY in alice.session


def test_without_the_handler_the_middleware_answers(
    gateway_settings: SandboxGateway, settings: Any
) -> None:
    settings.REST_FRAMEWORK = {}
    settings.IMBRACE_TIMEOUT = 0.25
    client = Client()
    sign_in(client, gateway_settings, ALICE)
    gateway_settings.inject("boards", Fault.status(503), times=5)
    response = client.get("/drf/boards/", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"


def test_other_exceptions_are_left_alone(alice: Client) -> None:
    with pytest.raises(LookupError):
        alice.get("/drf/broken/")
