"""Plain records kept by the sandbox gateway, and the id / time helpers they use."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "AccessToken",
    "ApiKey",
    "LoginToken",
    "OtpRecord",
    "OutboxMessage",
    "SandboxOrganization",
    "SandboxUser",
    "isoformat",
    "new_id",
]


def new_id(prefix: str) -> str:
    """A fresh id such as ``org_<uuid>`` (``prefix`` includes no underscore)."""
    return f"{prefix}_{uuid.uuid4()}"


def isoformat(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a ``Z``, like JavaScript's ``toISOString``."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


@dataclass
class SandboxOrganization:
    """An organization: ``id`` is ``org_<uuid>``."""

    id: str
    name: str
    created_at: datetime


@dataclass
class SandboxUser:
    """A person who can log in. ``id`` is the public id, ``internal_id`` the ``u_`` id."""

    id: str
    internal_id: str
    email: str
    password: str | None
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    active: bool = True
    verified: bool = True
    organization_ids: list[str] = field(default_factory=list)
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


@dataclass
class ApiKey:
    """An organization API key (``api_<hex>``) and the service user it acts as."""

    key: str
    organization_id: str
    service_user: SandboxUser


@dataclass
class LoginToken:
    """A ``login_acc_`` token: only good for choosing an organization, once."""

    token: str
    user_id: str
    expires_at: datetime


@dataclass
class AccessToken:
    """An org-scoped ``acc_`` token."""

    token: str
    user_id: str
    organization_id: str
    created_at: datetime
    expires_at: datetime


@dataclass
class OtpRecord:
    """The current one-time code for an address (any address, known or not)."""

    email: str
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class OutboxMessage:
    """A code the sandbox "sent" by e-mail."""

    email: str
    code: str
    sent_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The ``/__sandbox__/outbox`` shape."""
        return {"email": self.email, "code": self.code, "sent_at": isoformat(self.sent_at)}
