"""Gateway failures, as exceptions our transport raises and as categories views act on.

Our transport raises the SDK's own exception types (so ``except imbrace.ApiError``
keeps working in user code), with subclasses that carry the parsed gateway error
*outside* the exception text: no gateway body ever reaches ``str()`` or ``repr()``.
"""

from __future__ import annotations

import enum
import json
from typing import Any

import imbrace


class GatewayError(imbrace.ApiError):  # type: ignore[misc]
    """The gateway answered with an error status (other than 401/403).

    ``code``, ``field`` and ``detail`` come from the JSON error body when it had
    them; they are attributes, never part of the message.
    """

    def __init__(self, status_code: int, body: str = "") -> None:
        super().__init__(status_code, f"Imbrace answered HTTP {status_code}")
        payload = _parse_object(body)
        code = payload.get("code")
        self.code: int | None = code if isinstance(code, int) else None
        self.field: str | None = _text_or_none(payload.get("field"))
        self.detail: str = _text_or_none(payload.get("message")) or ""


class MalformedResponse(GatewayError):
    """A success status whose body is not the JSON the contract promises."""

    def __init__(self, status_code: int) -> None:
        super().__init__(status_code)
        self.args = (f"Imbrace answered HTTP {status_code} with a body that is not JSON",)


class GatewayUnreachable(imbrace.NetworkError):  # type: ignore[misc]
    """No answer within the time budget: refused, dropped, or timed out."""


class ImbraceUnavailable(Exception):
    """Raised (when ``IMBRACE_RAISE_UNAVAILABLE`` is on) instead of answering a 503 page."""


class ImbraceLoginRequired(Exception):
    """``request.imbrace`` was used without a signed-in user (or their token was rejected).

    The middleware turns it into a redirect to ``LOGIN_URL`` (HTML) or a 401 JSON body.
    """


class Failure(enum.Enum):
    """What a view should do about a failed gateway call."""

    UNAVAILABLE = "unavailable"  # network, timeout, 5xx, malformed body: 503
    RATE_LIMITED = "rate_limited"  # 429: "too many attempts"
    UNAUTHORIZED = "unauthorized"  # 401/403: the credential was refused
    REJECTED = "rejected"  # another 4xx: a message for the user (see GatewayError.code)


def classify(exc: BaseException) -> Failure | None:
    """Sort an exception from an SDK call; ``None`` when it is not a gateway failure."""
    if isinstance(exc, imbrace.AuthError):
        return Failure.UNAUTHORIZED
    if isinstance(exc, imbrace.NetworkError | MalformedResponse):
        return Failure.UNAVAILABLE
    if isinstance(exc, imbrace.ApiError):
        status = getattr(exc, "status_code", 0) or 0
        if status == 429:
            return Failure.RATE_LIMITED
        if status >= 500 or status < 400:
            return Failure.UNAVAILABLE
        return Failure.REJECTED
    return None


def _parse_object(body: str) -> dict[str, Any]:
    try:
        value = json.loads(body) if body else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
