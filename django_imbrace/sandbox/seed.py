"""Starting data: ``"demo"`` (three people, two organizations) or ``"empty"``."""

from __future__ import annotations

from typing import Any

from .state import SandboxState

SEEDS = ("demo", "empty")

#: The demo accounts: (email, password, first name, last name, active).
DEMO_USERS = (
    ("alice@example.com", "alice-password", "Alice", "Anderson", True),
    ("bob@example.com", "bob-password", "Bob", "Brown", True),
    ("carol@example.com", "carol-password", "Carol", "Clark", False),
)


def apply_seed(state: SandboxState, seed: str) -> None:
    """Fill an empty ``state`` with ``seed``; :class:`ValueError` for an unknown seed."""
    if seed not in SEEDS:
        raise ValueError(f"unknown sandbox seed {seed!r} (choose from {', '.join(SEEDS)})")
    if seed == "demo":
        _demo(state)


def _demo(state: SandboxState) -> None:
    acme = state.add_organization("Acme Corp")
    globex = state.add_organization("Globex")
    for email, password, first, last, active in DEMO_USERS:
        state.add_user(email, password, first_name=first, last_name=last, active=active)
    state.add_membership("alice@example.com", acme.id, "owner")
    state.add_membership("bob@example.com", acme.id, "member")
    state.add_membership("bob@example.com", globex.id, "owner")
    state.add_membership("carol@example.com", acme.id, "member")


def seed_info(state: SandboxState) -> dict[str, Any]:
    """Every user (with password) and organization (with API keys), for humans and tests."""
    return {
        "users": [
            {
                "email": u.email,
                "password": u.password,
                "id": u.id,
                "active": u.active,
                "organizations": list(u.organization_ids),
            }
            for u in state.users.values()
        ],
        "organizations": [
            {"id": o.id, "name": o.name, "api_keys": state.keys_of(o.id)}
            for o in state.organizations.values()
        ],
    }
