"""The contract's routes: which path and method is which route name and handler."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from importlib import metadata

from . import access, data, login
from .state import SandboxState
from .wire import NOT_FOUND, Request, Response, json_response

Handler = Callable[[SandboxState, Request], Response]


def _version() -> str:
    try:
        return metadata.version("django-imbrace")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


VERSION = f"sandbox-{_version()}"


def health(state: SandboxState, request: Request) -> Response:
    """``GET /``."""
    body = {"name": "App Gateway Public Server", "version": VERSION, "env": "sandbox"}
    return json_response(200, body)


def not_found(state: SandboxState, request: Request) -> Response:
    """Any other path or method."""
    return NOT_FOUND


#: (method, path) -> (route name, handler) for the fixed paths.
FIXED: dict[tuple[str, str], tuple[str, Handler]] = {
    ("GET", "/"): ("health", health),
    ("POST", "/platform/v1/login/_signin_email_request"): ("otp_request", login.otp_request),
    ("POST", "/platform/v1/login/authenticate"): ("authenticate", login.authenticate),
    ("POST", "/platform/v1/login/sign_in"): ("sign_in", login.sign_in),
    ("POST", "/platform/v1/login/_signin_with_email"): (
        "signin_with_email",
        login.signin_with_email,
    ),
    ("POST", "/platform/v1/access/_exchange_access_token"): ("exchange", access.exchange),
    ("POST", "/platform/v1/access/_exchange_access_token_with_access_token"): (
        "exchange_with_token",
        access.exchange_with_token,
    ),
    ("GET", "/platform/v1/users/_me"): ("me", data.me),
    ("GET", "/platform/v1/account"): ("account", data.account),
    ("GET", "/data-board/boards"): ("boards", data.boards),
}

BOARD_PATH = re.compile(r"^/data-board/boards/(?P<id>[^/]+)(?P<items>/items)?$")


def resolve(method: str, path: str) -> tuple[str, Handler]:
    """The route name and handler for a request (``"not_found"`` when none matches)."""
    if len(path) > 1:
        path = path.rstrip("/")
    fixed = FIXED.get((method, path))
    if fixed is not None:
        return fixed
    match = BOARD_PATH.match(path)
    if match and method == "GET":
        if match["items"]:
            return "board_items", partial(data.board_items, board_id=match["id"])
        return "board", partial(data.board, board_id=match["id"])
    return "not_found", not_found
