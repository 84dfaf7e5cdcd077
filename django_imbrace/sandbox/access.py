"""Credentials: reading them, checking them on protected routes, and exchanging tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from . import tokens
from .bodies import access_body
from .models import SandboxUser, isoformat
from .state import SandboxState
from .stats import CredentialUse
from .wire import Request, Response, error, json_response

UNAUTHORIZED = error(401, "Unauthorized")
CREDENTIAL_REQUIRED = error(401, "Unauthorized - API key or Access Token required")
LOGIN_UNAUTHORIZED = error(401, "Unauthorized", 40001)
LOGIN_EXPIRED = error(401, "Token expired", 40001)
DEACTIVATED = error(400, "User is deactivated", 40000, "email")
NOT_A_MEMBER = error(400, "User not found in this organization", 40004, "organization_id")
ORG_REQUIRED = error(400, "organization_id is required", 1, "organization_id")


@dataclass(frozen=True)
class Principal:
    """Who a protected request acts as, and in which organization."""

    user: SandboxUser
    organization_id: str
    expired_at: str | None


def credential_of(request: Request, route: str) -> CredentialUse:
    """The credential the gateway would use: ``x-api-key``, else Bearer, else ``x-access-token``."""
    org_header = request.header("x-organization-id")
    api_key = request.header("x-api-key")
    if api_key:
        return CredentialUse(route, "api_key", api_key, org_header)
    authorization = request.header("authorization")
    if authorization and authorization[:7].lower() == "bearer ":
        return CredentialUse(route, "bearer", authorization, org_header)
    token = request.header("x-access-token")
    if token:
        return CredentialUse(route, "access_token", token, org_header)
    return CredentialUse(route, "none", "", org_header)


def token_of(credential: CredentialUse) -> str:
    """The bare token of a Bearer or ``x-access-token`` credential."""
    if credential.kind == "bearer":
        return credential.value[7:].strip()
    return credential.value


def authorize(state: SandboxState, request: Request) -> Principal | Response:
    """The principal of a protected request, or the 401 to send.

    The organization comes from the credential, never from ``x-organization-id``.
    """
    credential = credential_of(request, "")
    if credential.kind == "none":
        return CREDENTIAL_REQUIRED
    if credential.kind == "api_key":
        key = state.api_keys.get(credential.value)
        if key is None:
            body = {
                "error": "Unauthorized",
                "message": "Invalid API key",
                "request_id": str(uuid.uuid4()),
            }
            return json_response(401, body)
        return Principal(key.service_user, key.organization_id, None)
    access = state.access_tokens.get(token_of(credential))
    if access is None or access.expires_at <= state.clock.now():
        return UNAUTHORIZED
    user = state.users.get(access.user_id)
    if user is None or not user.active:
        return UNAUTHORIZED
    return Principal(user, access.organization_id, isoformat(access.expires_at))


def _issue(state: SandboxState, user: SandboxUser, org_id: object) -> Response:
    if not org_id:
        return ORG_REQUIRED
    if not user.active:
        return DEACTIVATED
    if not isinstance(org_id, str) or org_id not in user.organization_ids:
        return NOT_A_MEMBER
    access = tokens.issue_access_token(state, user, org_id)
    return json_response(200, access_body(state, user, access))


def exchange(state: SandboxState, request: Request) -> Response:
    """Swap a ``login_acc_`` token for an ``acc_`` token in one organization (single use)."""
    token = token_of(credential_of(request, ""))
    login = state.login_tokens.get(token)
    if login is None:
        return LOGIN_UNAUTHORIZED
    if login.expires_at <= state.clock.now():
        return LOGIN_EXPIRED
    user = state.users.get(login.user_id)
    if user is None:
        return LOGIN_UNAUTHORIZED
    answer = _issue(state, user, request.json().get("organization_id"))
    if answer.status == 200:
        del state.login_tokens[token]
    return answer


def exchange_with_token(state: SandboxState, request: Request) -> Response:
    """A new ``acc_`` token (any member organization) for a valid ``acc_`` token."""
    body = request.json()
    token = token_of(credential_of(request, "")) or str(body.get("token") or "")
    access = state.access_tokens.get(token)
    if access is None:
        return LOGIN_UNAUTHORIZED
    if access.expires_at <= state.clock.now():
        return LOGIN_EXPIRED
    user = state.users.get(access.user_id)
    if user is None:
        return LOGIN_UNAUTHORIZED
    return _issue(state, user, body.get("organization_id"))
