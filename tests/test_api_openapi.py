"""The OpenAPI document: complete for the URLs, self-consistent, served, and the checker
that holds every real answer of the API tests to it actually checks."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from django.urls import URLPattern

from django_imbrace import ratelimit
from django_imbrace.api import urls as api_urls
from tests.fixtures_api import DOCUMENT, Api, resolve, validate

STATUSES_WITH_RETRY = {"429", "503"}


def _route(pattern: URLPattern) -> str:
    return "/" + str(pattern.pattern)


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
    ]


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_is_openapi_3_1_shipped_in_the_package() -> None:
    text = resources.files("django_imbrace.api").joinpath("openapi.json").read_text("utf-8")
    assert json.loads(text) == DOCUMENT
    assert DOCUMENT["openapi"].startswith("3.1.")


def test_every_api_url_has_a_path_and_every_path_a_url() -> None:
    routes = {_route(p) for p in api_urls.urlpatterns if isinstance(p, URLPattern)}
    assert len(routes) == len(api_urls.urlpatterns)
    assert routes == set(DOCUMENT["paths"])


def test_every_ref_resolves() -> None:
    for ref in _refs(DOCUMENT):
        assert resolve({"$ref": ref}), ref


def test_every_operation_is_described() -> None:
    ids = set()
    for path, method, operation in _operations():
        assert method in {"get", "post"}, (path, method)
        assert operation["summary"]
        assert operation["operationId"] not in ids
        ids.add(operation["operationId"])
        for status, response in operation["responses"].items():
            response = resolve(response)
            assert response["description"], (path, status)
            if status != "204":
                assert "schema" in response["content"]["application/json"], (path, status)
            if status in STATUSES_WITH_RETRY:
                assert response["headers"]["Retry-After"]["required"] is True
        if method == "post":
            assert "403" in operation["responses"], path
            assert "requestBody" in operation, path


def test_the_document_is_served_with_this_sites_prefix(api: Api) -> None:
    served = api.get("openapi").json()
    assert served["servers"] == [{"url": "/imbrace/api"}]
    assert {k: v for k, v in served.items() if k != "servers"} == {
        k: v for k, v in DOCUMENT.items() if k != "servers"
    }


ME = {"$ref": "#/components/schemas/Me"}
SIGNIN = {"$ref": "#/components/schemas/SignIn"}
ERROR = {"$ref": "#/components/schemas/Error"}
GOOD_ME = {
    "user": {"id": "1", "username": "a", "email": ""},
    "imbrace": {
        "active": True,
        "organization_id": "org_1",
        "user_id": "u",
        "expires_at": "2030-01-01T00:00:00+00:00",
    },
}


@pytest.mark.parametrize(
    ("value", "schema"),
    [
        (GOOD_ME, ME),
        ({"stage": "none"}, SIGNIN),
        ({"error": {"code": "x", "message": "y", "fields": {"a": ["b"]}}}, ERROR),
    ],
)
def test_the_checker_accepts_good_bodies(value: Any, schema: dict[str, Any]) -> None:
    validate(value, schema)


@pytest.mark.parametrize(
    ("value", "schema"),
    [
        ({**GOOD_ME, "token": "acc_x"}, ME),  # additionalProperties: false
        ({"user": GOOD_ME["user"]}, ME),  # required
        ({**GOOD_ME, "imbrace": {**GOOD_ME["imbrace"], "active": 1}}, ME),  # type
        ({**GOOD_ME, "imbrace": {**GOOD_ME["imbrace"], "expires_at": "soon"}}, ME),  # format
        ({**GOOD_ME, "user": {**GOOD_ME["user"], "id": None}}, ME),  # type list
        ({"stage": "done"}, SIGNIN),  # oneOf: none match
        ({"stage": "code", "email": "a@b.c"}, SIGNIN),  # oneOf: missing fields
        ({"error": {"code": "x"}}, ERROR),  # nested required
        ({"error": {"code": "x", "message": "y", "fields": {"a": "b"}}}, ERROR),  # items
        ({"csrf_token": 5}, {"$ref": "#/components/schemas/Csrf"}),
        (-1, {"type": "integer", "minimum": 0}),
        (True, {"type": "integer"}),
        ("x" * 5, {"type": "string", "maxLength": 4}),
        ("12a", {"type": "string", "pattern": "^[0-9]+$"}),
        ("password", {"enum": ["otp"]}),
    ],
)
def test_the_checker_rejects_bad_bodies(value: Any, schema: dict[str, Any]) -> None:
    with pytest.raises(AssertionError):
        validate(value, schema)


def test_the_checker_refuses_keywords_it_does_not_know() -> None:
    with pytest.raises(AssertionError, match="does not know"):
        validate("x", {"anyOf": [{"type": "string"}]})


def test_resend_is_documented_as_keeping_the_wrong_code_attempts(
    api: Api, gateway_settings: Any
) -> None:
    text = DOCUMENT["paths"]["/signin/code/resend/"]["post"]["description"]
    assert "start again" not in text
    assert "still count" in text
    api.post("request-code", {"email": "alice@example.com"})
    wrong = api.post("verify-code", {"code": "ZZZ999"}).json()["signin"]["attempts_left"]
    ratelimit.clock.advance(60)
    assert api.post("resend-code").json()["attempts_left"] == wrong  # as documented
