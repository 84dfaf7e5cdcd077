"""Response bodies shaped as the contract describes (``imbrace-contract.md``)."""

from __future__ import annotations

from typing import Any

from .boards import Document
from .models import AccessToken, LoginToken, SandboxUser, isoformat, new_id
from .state import SandboxState

ADMIN_ROLES = ("owner", "admin")


def user_body(state: SandboxState, user: SandboxUser, org_id: str) -> dict[str, Any]:
    """``GET /platform/v1/users/_me``: the user as seen in one organization."""
    role = state.role(user, org_id)
    stamp = isoformat(user.created_at)
    return {
        "object_name": "user",
        "id": user.id,
        "internal_id": user.internal_id,
        "public_id": user.id,
        "organization_id": org_id,
        "email": user.email,
        "role": role,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "avatar_url": None,
        "language": "en",
        "status": "active" if user.active else "deactivated",
        "is_active": user.active,
        "is_admin": role in ADMIN_ROLES,
        "team_ids": [],
        "created_at": stamp,
        "updated_at": stamp,
    }


def account_body(
    state: SandboxState, user: SandboxUser, org_id: str, expired_at: str | None
) -> dict[str, Any]:
    """``GET /platform/v1/account``: the user plus token expiry and organization name."""
    body = user_body(state, user, org_id)
    body.update(
        object_name="account",
        expired_at=expired_at,
        organization_name=state.organization(org_id).name,
        team_roles=[],
    )
    return body


def login_access_body(
    state: SandboxState, user: SandboxUser, login: LoginToken, *, with_organizations: bool
) -> dict[str, Any]:
    """A ``login_access``; ``/authenticate`` adds ``user_id`` and ``organizations``."""
    body: dict[str, Any] = {
        "object_name": "login_access",
        "id": login.token,
        "token": login.token,
        "email": user.email,
        "expired_at": isoformat(login.expires_at),
    }
    if with_organizations:
        body["user_id"] = user.id
        body["organizations"] = [
            _membership(state, user, org_id) for org_id in user.organization_ids
        ]
    return body


def _membership(state: SandboxState, user: SandboxUser, org_id: str) -> dict[str, Any]:
    role = state.role(user, org_id)
    return {
        "organization_id": org_id,
        "display_name": state.organization(org_id).name,
        "icon_url": None,
        "is_paid": True,
        "is_active": True,
        "role": role,
        "is_admin": role in ADMIN_ROLES,
        "status": "active",
        "display_name_user": user.display_name,
        "avatar_url": None,
    }


def access_body(state: SandboxState, user: SandboxUser, access: AccessToken) -> dict[str, Any]:
    """An ``access`` (the org-scoped ``acc_`` token) with its creator."""
    return {
        "object_name": "access",
        "id": access.token,
        "token": access.token,
        "refresh_token": new_id("rtk"),
        "user_id": user.internal_id,
        "organization_id": access.organization_id,
        "expired_at": isoformat(access.expires_at),
        "created_at": isoformat(access.created_at),
        "updated_at": isoformat(access.created_at),
        "creator": user_body(state, user, access.organization_id),
    }


def board_body(state: SandboxState, board: Document) -> dict[str, Any]:
    """A board with its current ``items_count``."""
    return {**board, "items_count": len(state.items.get(board["id"], []))}
