"""Fixtures for the API tests: a CSRF-enforcing JSON client whose every answer is checked
against the shipped OpenAPI document, and the small JSON Schema checker that does it.

The checker knows exactly the keywords the document uses and refuses any other one,
so the document cannot silently use something that is not checked.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from django_imbrace.api.views import openapi_document
from django_imbrace.sandbox import SandboxGateway

DOCUMENT = openapi_document()
_ANNOTATIONS = {"description", "title", "example"}
_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def url(name: str) -> str:
    """The path of an API endpoint by its URL name (``"request-code"``...)."""
    return reverse(f"django_imbrace:api:{name}")


API_BASE = url("csrf").removesuffix("csrf/")


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` (``#/components/...``) of the document."""
    while "$ref" in node:
        target: Any = DOCUMENT
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def validate(value: Any, schema: dict[str, Any], where: str = "$") -> None:
    """Raise ``AssertionError`` (naming the place) when ``value`` does not match ``schema``."""
    if "$ref" in schema:
        validate(value, resolve(schema), where)
        return
    for keyword, rule in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        check = _KEYWORDS.get(keyword)
        assert check is not None, f"the checker does not know {keyword!r} (at {where})"
        check(value, rule, schema, where)


def _type(value: Any, rule: Any, schema: dict[str, Any], where: str) -> None:
    names = rule if isinstance(rule, list) else [rule]
    assert any(_is_type(value, name) for name in names), f"{where}: {value!r} is not {rule}"


def _properties(value: Any, rule: Any, schema: dict[str, Any], where: str) -> None:
    if not isinstance(value, dict):
        return
    for name, sub in rule.items():
        if name in value:
            validate(value[name], sub, f"{where}.{name}")
    extra = schema.get("additionalProperties", True)
    for name in set(value) - set(rule):
        assert extra is not False, f"{where}: unexpected property {name!r}"
        if isinstance(extra, dict):
            validate(value[name], extra, f"{where}.{name}")


def _additional(value: Any, rule: Any, schema: dict[str, Any], where: str) -> None:
    if "properties" not in schema and isinstance(value, dict) and isinstance(rule, dict):
        for name, item in value.items():
            validate(item, rule, f"{where}.{name}")


def _required(value: Any, rule: Any, schema: dict[str, Any], where: str) -> None:
    if isinstance(value, dict):
        missing = [name for name in rule if name not in value]
        assert not missing, f"{where}: missing {missing}"


def _items(value: Any, rule: Any, schema: dict[str, Any], where: str) -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            validate(item, rule, f"{where}[{index}]")


def _one_of(value: Any, rule: Any, schema: dict[str, Any], where: str) -> None:
    matches = 0
    for option in rule:
        try:
            validate(value, option, where)
        except AssertionError:
            continue
        matches += 1
    assert matches == 1, f"{where}: {value!r} matches {matches} of the oneOf schemas"


def _const(value: Any, rule: Any, schema: dict[str, Any], where: str) -> None:
    assert value == rule, f"{where}: {value!r} is not {rule!r}"


def _enum(value: Any, rule: Any, schema: dict[str, Any], where: str) -> None:
    assert value in rule, f"{where}: {value!r} is not one of {rule}"


def _minimum(value: Any, rule: Any, schema: dict[str, Any], where: str) -> None:
    if _is_type(value, "number"):
        assert value >= rule, f"{where}: {value} < {rule}"


def _max_length(value: Any, rule: Any, schema: dict[str, Any], where: str) -> None:
    if isinstance(value, str):
        assert len(value) <= rule, f"{where}: longer than {rule}"


def _pattern(value: Any, rule: Any, schema: dict[str, Any], where: str) -> None:
    if isinstance(value, str):
        assert re.search(rule, value), f"{where}: {value!r} does not match {rule}"


def _format(value: Any, rule: Any, schema: dict[str, Any], where: str) -> None:
    if isinstance(value, str) and rule == "date-time":
        try:
            aware = datetime.fromisoformat(value).tzinfo is not None
        except ValueError:
            aware = False
        assert aware, f"{where}: {value!r} is not a date-time with an offset"
    elif isinstance(value, str) and rule == "email":
        assert "@" in value, f"{where}: not an e-mail address"


_KEYWORDS = {
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": _required,
    "items": _items,
    "oneOf": _one_of,
    "const": _const,
    "enum": _enum,
    "minimum": _minimum,
    "maxLength": _max_length,
    "pattern": _pattern,
    "format": _format,
}


def check_response(method: str, path: str, response: Any) -> None:
    """Assert that ``response`` is one the document describes for ``method path``."""
    assert path.startswith(API_BASE), path
    item = DOCUMENT["paths"][f"/{path.removeprefix(API_BASE)}"]
    operation = item.get(method.lower())
    if operation is None:  # any other method: 405 with the error body
        assert response.status_code == 405, (method, path, response.status_code)
        validate(response.json(), {"$ref": "#/components/schemas/Error"})
        return
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"{method} {path}: undocumented {response.status_code}"
    documented = resolve(documented)
    for name, header in documented.get("headers", {}).items():
        if header.get("required"):
            assert response.has_header(name), f"{method} {path}: no {name} header"
            validate(response[name], header["schema"], f"header {name}")
    content = documented.get("content")
    if content is None:
        assert response.content == b"", f"{method} {path}: a body where none is documented"
        return
    assert response["Content-Type"].startswith("application/json")
    validate(json.loads(response.content), content["application/json"]["schema"])


class Api:
    """A browser-like JSON client: CSRF enforced, the token sent as ``X-CSRFToken``.

    Every answer is checked against the OpenAPI document before it is returned.
    """

    def __init__(self, client: Client | None = None) -> None:
        self.client = client or Client(enforce_csrf_checks=True)
        self.seen: list[tuple[str, str, int]] = []

    def _checked(self, method: str, path: str, response: Any) -> Any:
        check_response(method, path, response)
        self.seen.append((method, path, response.status_code))
        return response

    def get(self, name: str, **headers: str) -> Any:
        path = url(name)
        return self._checked("GET", path, self.client.get(path, headers=headers))

    def csrf_token(self) -> str:
        cookie = self.client.cookies.get("csrftoken")
        if cookie is None:
            self.get("csrf")
            cookie = self.client.cookies["csrftoken"]
        return str(cookie.value)

    def post(
        self, name: str, body: Any = None, *, csrf: bool = True, raw: bytes | None = None
    ) -> Any:
        """POST ``body`` as JSON (or ``raw`` bytes), with the CSRF header unless ``csrf=False``."""
        path = url(name)
        headers = {"X-CSRFToken": self.csrf_token()} if csrf else {}
        data = raw if raw is not None else (b"" if body is None else json.dumps(body))
        response = self.client.post(
            path, data=data, content_type="application/json", headers=headers
        )
        return self._checked("POST", path, response)

    def request(self, method: str, name: str) -> Any:
        """Any other method, with the CSRF header (for the 405 answers)."""
        path = url(name)
        send = getattr(self.client, method.lower())
        response = send(path, headers={"X-CSRFToken": self.csrf_token()})
        return self._checked(method, path, response)


@pytest.fixture
def api(gateway_settings: SandboxGateway) -> Api:
    """A JSON client on the sandbox-pointed site (CSRF enforced, answers checked)."""
    return Api()


def sign_in_with_code(api: Api, sandbox: SandboxGateway, email: str, **extra: Any) -> Any:
    """Ask for a code and send it back: the answer to the code."""
    asked = api.post("request-code", {"email": email, **extra})
    assert asked.status_code == 200, asked.content
    return api.post("verify-code", {"code": sandbox.last_code(email)})
