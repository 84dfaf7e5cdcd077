"""The HTTP/1.1 server: keep-alive, one thread per connection, counted connections."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .app import SandboxApp
from .wire import Request

logger = logging.getLogger("django_imbrace.sandbox")

#: Errors of clients that went away; never worth a traceback.
CLIENT_GONE = (ConnectionError, TimeoutError)


class SandboxRequestHandler(BaseHTTPRequestHandler):
    """Turns HTTP into :class:`Request` values for :class:`SandboxApp` and back."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes
    server: SandboxHTTPServer

    def _dispatch(self) -> None:
        body = self._read_body()
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path or "/",
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        response = self.server.app.handle(request)
        if response is None:  # a "drop" fault: hang up without a byte
            self.close_connection = True
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _dispatch

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the sandbox does not log each request."""


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threading server that counts and can forcibly close its connections."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: SandboxApp) -> None:
        self.app = app
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, SandboxRequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Count the accepted connection, then serve it in its own thread."""
        self.app.stats.count_connection()
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection, then close it."""
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut every open connection, waking the threads that wait on idle ones."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hung up; log anything else."""
        if isinstance(sys.exc_info()[1], CLIENT_GONE):
            return
        logger.exception("sandbox gateway: error serving %s", client_address)
