"""The pending sign-in: one namespaced session key, a flow id and a deadline.

Stages: ``"code"`` (a code was e-mailed; we wait for it) and ``"organization"`` (the
gateway accepted the code or password; the user picks an organization). The single-use
``login_acc_`` token lives here, server-side, only during the organization stage and is
removed before it is exchanged. Nothing here is ever rendered.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from .conf import conf
from .ratelimit import clock

FLOW_SESSION_KEY = "_imbrace_signin"

CODE_STAGE = "code"
ORGANIZATION_STAGE = "organization"


@dataclass
class Organization:
    """An organization the gateway listed for this login."""

    id: str
    name: str


@dataclass
class PendingSignIn:
    """A sign-in in progress. ``login_token`` is hidden from ``repr()``."""

    email: str
    method: str  # "otp" or "password"
    stage: str
    next_url: str = ""
    flow_id: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    deadline: float = 0.0
    code_sent_at: float = 0.0
    attempts: int = 0  # wrong codes, as shown; the limit is counted in the cache (steps)
    resends: int = 0
    organizations: list[Organization] = field(default_factory=list)
    login_token: str = field(default="", repr=False)

    @classmethod
    def start(cls, email: str, method: str, stage: str, next_url: str = "") -> PendingSignIn:
        """A new flow with its deadline ``IMBRACE_FLOW_TIMEOUT`` seconds from now."""
        now = clock.now()
        return cls(
            email=email,
            method=method,
            stage=stage,
            next_url=next_url,
            deadline=now + conf.FLOW_TIMEOUT,
            code_sent_at=now if stage == CODE_STAGE else 0.0,
        )

    def is_expired(self) -> bool:
        return clock.now() >= self.deadline

    def attempts_left(self) -> int:
        return max(0, conf.OTP_MAX_ATTEMPTS - self.attempts)

    def resend_wait(self) -> int:
        """Seconds until another code may be requested (0: now)."""
        return max(0, int(self.code_sent_at + conf.OTP_RESEND_COOLDOWN - clock.now() + 0.999))

    def resends_left(self) -> int:
        return max(0, conf.OTP_MAX_RESENDS - self.resends)

    def organization(self, org_id: str) -> Organization | None:
        """The listed organization with this id (``None`` for any other id)."""
        return next((org for org in self.organizations if org.id == org_id), None)

    def to_session(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_session(cls, data: Any) -> PendingSignIn | None:
        if not isinstance(data, dict):
            return None
        try:
            orgs = [Organization(**org) for org in data.get("organizations", [])]
            return cls(**{**data, "organizations": orgs})
        except TypeError:
            return None


def load(session: SessionBase, stage: str | None = None) -> PendingSignIn | None:
    """The pending sign-in (at ``stage``, if given); an expired one is discarded."""
    flow = PendingSignIn.from_session(session.get(FLOW_SESSION_KEY))
    if flow is None:
        return None
    if flow.is_expired():
        discard(session)
        return None
    if stage is not None and flow.stage != stage:
        return None
    return flow


def save(session: SessionBase, flow: PendingSignIn) -> None:
    session[FLOW_SESSION_KEY] = flow.to_session()


def discard(session: SessionBase) -> None:
    session.pop(FLOW_SESSION_KEY, None)


def take_login_token(session: SessionBase, flow: PendingSignIn) -> str:
    """Remove the single-use login token from the flow (saved at once) and return it.

    A second submission (double click, replay) then finds no token and exchanges nothing.
    """
    token, flow.login_token = flow.login_token, ""
    discard(session)
    session.save()
    return token
