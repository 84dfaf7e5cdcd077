"""Protected routes: the caller's user and account, boards and board items."""

from __future__ import annotations

from typing import Any

from .access import Principal, authorize
from .bodies import account_body, board_body, user_body
from .state import SandboxState
from .wire import Request, Response, error, json_response

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
BOARD_NOT_FOUND = error(404, "Board not found")


def me(state: SandboxState, request: Request) -> Response:
    """``GET /platform/v1/users/_me`` (an API key answers with its service user)."""
    who = authorize(state, request)
    if isinstance(who, Response):
        return who
    return json_response(200, user_body(state, who.user, who.organization_id))


def account(state: SandboxState, request: Request) -> Response:
    """``GET /platform/v1/account``: the user, the token's ``expired_at``, the org name."""
    who = authorize(state, request)
    if isinstance(who, Response):
        return who
    body = account_body(state, who.user, who.organization_id, who.expired_at)
    return json_response(200, body)


def _page(request: Request, documents: list[dict[str, Any]]) -> Response:
    """``{"data", "total", "count"}`` for ``?limit=&skip=`` (limit 0: all)."""
    try:
        limit = int(request.query.get("limit", DEFAULT_LIMIT))
        skip = int(request.query.get("skip", 0))
    except ValueError:
        return error(400, "limit and skip must be integers", 3, "limit")
    if limit < 0 or skip < 0:
        return error(400, "limit and skip must not be negative", 3, "limit")
    limit = min(limit, MAX_LIMIT)
    page = documents[skip:] if limit == 0 else documents[skip : skip + limit]
    return json_response(200, {"data": page, "total": len(documents), "count": len(page)})


def _board(state: SandboxState, who: Principal, board_id: str) -> dict[str, Any] | None:
    board = state.boards.get(board_id)
    if board is None or board["organization_id"] != who.organization_id:
        return None
    return board


def boards(state: SandboxState, request: Request) -> Response:
    """``GET /data-board/boards``: the organization's boards by ``order``."""
    who = authorize(state, request)
    if isinstance(who, Response):
        return who
    mine = [b for b in state.boards.values() if b["organization_id"] == who.organization_id]
    mine.sort(key=lambda b: int(b["order"]))
    return _page(request, [board_body(state, b) for b in mine])


def board(state: SandboxState, request: Request, board_id: str) -> Response:
    """``GET /data-board/boards/{id}``: one board (another org's board is a 404)."""
    who = authorize(state, request)
    if isinstance(who, Response):
        return who
    found = _board(state, who, board_id)
    if found is None:
        return BOARD_NOT_FOUND
    return json_response(200, board_body(state, found))


def board_items(state: SandboxState, request: Request, board_id: str) -> Response:
    """``GET /data-board/boards/{id}/items``: the board's items, oldest first."""
    who = authorize(state, request)
    if isinstance(who, Response):
        return who
    found = _board(state, who, board_id)
    if found is None:
        return BOARD_NOT_FOUND
    return _page(request, list(state.items.get(board_id, [])))
