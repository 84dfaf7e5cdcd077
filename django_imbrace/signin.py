"""The sign-in calls to the gateway, with every failure sorted into a reason.

Costs: asking for a code is one call; a code or password sign-in is ``authenticate``,
then ``exchange`` (here) and ``get_me`` (in the backend): three calls, never retried
(our transport never retries a POST and never sleeps).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .client import anonymous_client
from .errors import Failure, GatewayError, classify
from .flow import Organization
from .session import AccessGrant, parse_expiry

T = TypeVar("T")

#: Reasons that mean "the gateway could not answer" or "slow down": nothing is counted.
UNAVAILABLE = "unavailable"
RATE_LIMITED = "rate_limited"
#: The gateway refused to e-mail a code (an address it will not send to): not a wrong code.
CODE_NOT_SENT = "code_not_sent"
#: The reason for any other refusal, per call.
INVALID_CODE = "invalid_code"
INVALID_CREDENTIALS = "invalid_credentials"


class SignInFailed(Exception):
    """A refused or failed sign-in call; ``reason`` is one of ``signals.FAILURE_REASONS``."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Imbrace sign-in failed: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class LoginAccess:
    """What the gateway answered to a code or password: a short-lived login token."""

    token: str = field(repr=False)
    organizations: list[Organization]


def _reason(exc: BaseException, refused: str) -> str | None:
    failure = classify(exc)
    if failure is None:
        return None
    if failure is Failure.UNAVAILABLE:
        return UNAVAILABLE
    if failure is Failure.RATE_LIMITED:
        return RATE_LIMITED
    if failure is Failure.UNAUTHORIZED:
        return "expired"
    code = exc.code if isinstance(exc, GatewayError) else None
    field_name = exc.field if isinstance(exc, GatewayError) else None
    detail = exc.detail.lower() if isinstance(exc, GatewayError) else ""
    if code == 40010:  # too many codes requested for this address
        return RATE_LIMITED
    if code == 40004 and field_name == "organization_id":
        return "not_a_member"
    if code == 40000 and "expired" in detail:
        return "expired_code"
    if code == 40000 and "deactivated" in detail:
        return "deactivated"
    return refused


def _call(refused: str, call: Callable[[], T]) -> T:
    """``call()``, its failures sorted into reasons; ``refused`` is the reason of a refusal
    no more specific reason covers."""
    try:
        return call()
    except (AttributeError, TypeError, KeyError):
        # The SDK itself reads the answer (``res.get(...)``): a JSON body of the wrong
        # shape (a list, say) breaks it before we see it. Malformed, so unavailable.
        raise SignInFailed(UNAVAILABLE) from None
    except Exception as exc:
        reason = _reason(exc, refused)
        if reason is None:
            raise
        raise SignInFailed(reason) from None


def request_code(email: str) -> None:
    """Ask Imbrace to e-mail a code (the answer is the same for unknown addresses)."""
    client = anonymous_client()
    _call(CODE_NOT_SENT, lambda: client.request_otp(email))


def _login_access(answer: Any) -> LoginAccess:
    if not isinstance(answer, dict) or not isinstance(answer.get("token"), str):
        raise SignInFailed(UNAVAILABLE)
    organizations = []
    for org in answer.get("organizations") or []:
        if isinstance(org, dict) and isinstance(org.get("organization_id"), str):
            name = org.get("display_name")
            organizations.append(
                Organization(id=org["organization_id"], name=name if isinstance(name, str) else "")
            )
    return LoginAccess(token=answer["token"], organizations=organizations)


def login_with_code(email: str, code: str) -> LoginAccess:
    """The login access for a code (``authenticate`` with ``{"email", "otp"}``)."""
    client = anonymous_client()
    return _login_access(_call(INVALID_CODE, lambda: client.login_with_otp(email, code)))


def login_with_password(email: str, password: str) -> LoginAccess:
    """The login access for a password (``authenticate`` with ``{"email", "password"}``)."""
    client = anonymous_client()
    return _login_access(_call(INVALID_CREDENTIALS, lambda: client.login(email, password)))


def exchange(login_token: str, organization_id: str, method: str) -> AccessGrant:
    """Swap the single-use login token for an organization-scoped ``acc_`` token.

    Called directly (not ``select_organization``) to keep ``expired_at``.
    """
    client = anonymous_client()
    client.set_access_token(login_token)
    client.http.organization_id = organization_id
    refused = INVALID_CODE if method == "otp" else INVALID_CREDENTIALS
    answer = _call(refused, lambda: client.auth.exchange_access_token(organization_id))
    token = answer.get("token") if isinstance(answer, dict) else None
    expires_at = parse_expiry(answer.get("expired_at")) if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token or expires_at is None:
        raise SignInFailed(UNAVAILABLE)
    return AccessGrant(token=token, organization_id=organization_id, expires_at=expires_at)
