"""Requests straight through Django's WSGI handler: what a real server does, minus the socket."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings


class Driver:
    """One loaded middleware chain; ``get(path)`` returns (status, body)."""

    def __init__(self, session_key: str, *, middleware: list[str] | None = None) -> None:
        self.handler = WSGIHandler()
        with override_settings(MIDDLEWARE=middleware or settings.MIDDLEWARE):
            self.handler.load_middleware()
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"

    def get(self, path: str) -> tuple[int, bytes]:
        status: list[str] = []

        def start_response(line: str, headers: Iterable[Any], exc_info: Any = None) -> None:
            status.append(line)

        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "HTTP_COOKIE": self.cookie,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": io.StringIO(),
        }
        response = self.handler(environ, start_response)
        body = b"".join(response)
        response.close()
        return int(status[0].split(" ", 1)[0]), body
