"""The request and response values passed between the HTTP server and the routes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JSON_TYPE = "application/json; charset=utf-8"


class BadRequest(Exception):
    """The request body is not a JSON object."""


@dataclass(frozen=True)
class Request:
    """One HTTP request. Header names are lower-cased; ``query`` keeps the last value."""

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> dict[str, Any]:
        """The body as a JSON object (empty body: ``{}``); :class:`BadRequest` otherwise."""
        if not self.body.strip():
            return {}
        try:
            data = json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest("Invalid JSON body") from exc
        if not isinstance(data, dict):
            raise BadRequest("Request body must be a JSON object")
        return data

    def header(self, name: str) -> str | None:
        """A header's value, or ``None`` when absent or empty."""
        return self.headers.get(name.lower()) or None


@dataclass(frozen=True)
class Response:
    """One HTTP response; the server adds Content-Length."""

    status: int
    body: bytes = b""
    content_type: str = JSON_TYPE


def json_response(status: int, payload: Any) -> Response:
    """A JSON response."""
    return Response(status, json.dumps(payload).encode())


def error(status: int, message: str, code: int | None = None, field: str | None = None) -> Response:
    """A gateway error body: ``{"code", "field", "message"}`` with the absent keys left out."""
    payload: dict[str, Any] = {}
    if code is not None:
        payload["code"] = code
    if field is not None:
        payload["field"] = field
    payload["message"] = message
    return json_response(status, payload)


NOT_FOUND = error(404, "Not found")
