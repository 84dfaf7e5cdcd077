"""Where a signed-in user's Imbrace access lives: one key in the server-side session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

ACCESS_SESSION_KEY = "_imbrace_access"


@dataclass(frozen=True)
class AccessGrant:
    """An organization-scoped ``acc_`` token and what we know about it.

    The token never appears in ``repr()``.
    """

    token: str
    organization_id: str
    expires_at: datetime
    imbrace_user_id: str = ""

    def __repr__(self) -> str:
        return (
            f"AccessGrant(organization_id={self.organization_id!r}, "
            f"expires_at={self.expires_at.isoformat()!r}, token=<hidden>)"
        )

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or datetime.now(timezone.utc)) >= self.expires_at

    def to_session(self) -> dict[str, str]:
        return {
            "token": self.token,
            "organization_id": self.organization_id,
            "expires_at": self.expires_at.isoformat(),
            "imbrace_user_id": self.imbrace_user_id,
        }

    @classmethod
    def from_session(cls, data: Any) -> AccessGrant | None:
        if not isinstance(data, dict):
            return None
        try:
            expires_at = datetime.fromisoformat(data["expires_at"])
            return cls(
                token=str(data["token"]),
                organization_id=str(data["organization_id"]),
                expires_at=expires_at,
                imbrace_user_id=str(data.get("imbrace_user_id", "")),
            )
        except (KeyError, TypeError, ValueError):
            return None


def parse_expiry(value: object) -> datetime | None:
    """The gateway's ``expired_at`` (ISO 8601, ``Z`` allowed) as an aware datetime."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _session(request: HttpRequest) -> SessionBase:
    return request.session


def keep_grant(session: SessionBase, grant: AccessGrant) -> None:
    """Write ``grant`` into ``session``, ending the session no later than the token.

    The site's own policy stays when it is stricter: a session that would end before
    the token (a short ``SESSION_COOKIE_AGE``) keeps its expiry.
    """
    session[ACCESS_SESSION_KEY] = grant.to_session()
    if session.get_expiry_date() > grant.expires_at:
        session.set_expiry(grant.expires_at)


def store_grant(request: HttpRequest, grant: AccessGrant) -> None:
    """Keep the grant in the request's session (:func:`keep_grant`); call after ``login()``."""
    keep_grant(_session(request), grant)


def load_grant(request: HttpRequest) -> AccessGrant | None:
    """The stored grant, or ``None`` when there is none or it has expired."""
    grant = AccessGrant.from_session(_session(request).get(ACCESS_SESSION_KEY))
    return None if grant is None or grant.is_expired() else grant
