"""The sandbox's data: users, organizations, keys, boards, tokens and codes.

One :class:`SandboxState` holds everything behind one lock, :attr:`SandboxState.lock`.
Its methods do NOT take the lock themselves: callers (the HTTP routes and
:class:`~django_imbrace.sandbox.SandboxGateway`) hold it around a whole operation.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from datetime import datetime

from . import boards
from .clock import SandboxClock
from .models import (
    AccessToken,
    ApiKey,
    LoginToken,
    OtpRecord,
    OutboxMessage,
    SandboxOrganization,
    SandboxUser,
    new_id,
)


class SandboxState:
    """Everything the gateway knows. Hold :attr:`lock` while calling any method."""

    def __init__(self, clock: SandboxClock, *, print_codes: bool = False) -> None:
        self.lock = threading.Lock()
        self.clock = clock
        self.print_codes = print_codes
        self.clear()

    def clear(self) -> None:
        """Forget everything (users, orgs, boards, keys, tokens, codes, outbox)."""
        self.organizations: dict[str, SandboxOrganization] = {}
        self.users: dict[str, SandboxUser] = {}  # by internal id
        self.emails: dict[str, str] = {}  # lower-cased e-mail -> internal id
        self.roles: dict[tuple[str, str], str] = {}  # (internal id, org id) -> role
        self.api_keys: dict[str, ApiKey] = {}
        self.boards: dict[str, boards.Document] = {}
        self.items: dict[str, list[boards.Document]] = {}
        self.login_tokens: dict[str, LoginToken] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.otps: dict[str, OtpRecord] = {}
        self.otp_requests: dict[str, list[datetime]] = {}
        self.outbox: list[OutboxMessage] = []

    # -- directory -------------------------------------------------------

    def add_organization(self, name: str, *, default_boards: bool = True) -> SandboxOrganization:
        """A new organization with the six default boards and one API key."""
        org = SandboxOrganization(id=new_id("org"), name=name, created_at=self.clock.now())
        self.organizations[org.id] = org
        if default_boards:
            for board_name, board_type, fields, rows in boards.DEFAULT_BOARDS:
                board = self.add_board(org.id, board_name, board_type, fields)
                for row in rows:
                    self.add_item(board["id"], row)
        self.add_api_key(org.id)
        return org

    def organization(self, org_id: str) -> SandboxOrganization:
        """The organization ``org_id``; :class:`KeyError` if unknown."""
        try:
            return self.organizations[org_id]
        except KeyError:
            raise KeyError(f"no sandbox organization {org_id!r}") from None

    def add_user(
        self,
        email: str,
        password: str | None,
        *,
        display_name: str = "",
        first_name: str = "",
        last_name: str = "",
        active: bool = True,
        verified: bool = True,
        organizations: Sequence[str] = (),
        role: str = "owner",
    ) -> SandboxUser:
        """A new user; ``email`` is stored lower-cased and must be new."""
        email = email.strip().lower()
        if email in self.emails:
            raise ValueError(f"sandbox user {email!r} already exists")
        for org_id in organizations:
            self.organization(org_id)
        user = SandboxUser(
            id=new_id("pub"),
            internal_id=new_id("u"),
            email=email,
            password=password,
            display_name=display_name or " ".join(p for p in (first_name, last_name) if p),
            first_name=first_name,
            last_name=last_name,
            active=active,
            verified=verified,
            created_at=self.clock.now(),
        )
        self.users[user.internal_id] = user
        self.emails[email] = user.internal_id
        for org_id in organizations:
            self.add_membership(email, org_id, role)
        return user

    def user_by_email(self, email: str) -> SandboxUser | None:
        """The user with this address (case-insensitive), or ``None``."""
        internal_id = self.emails.get(email.strip().lower())
        return None if internal_id is None else self.users[internal_id]

    def user(self, email: str) -> SandboxUser:
        """The user with this address; :class:`KeyError` if unknown."""
        found = self.user_by_email(email)
        if found is None:
            raise KeyError(f"no sandbox user {email!r}")
        return found

    def add_membership(self, email: str, org_id: str, role: str = "member") -> None:
        """Make the user a member of ``org_id`` with ``role`` (updates the role if already)."""
        user = self.user(email)
        self.organization(org_id)
        if org_id not in user.organization_ids:
            user.organization_ids.append(org_id)
        self.roles[(user.internal_id, org_id)] = role

    def role(self, user: SandboxUser, org_id: str) -> str:
        """The user's role in ``org_id`` (service users are admins)."""
        return self.roles.get((user.internal_id, org_id), "admin")

    def add_api_key(self, org_id: str) -> str:
        """A new ``api_<hex>`` key for the organization, acting as its own service user."""
        org = self.organization(org_id)
        key = f"api_{uuid.uuid4().hex}"
        service = SandboxUser(
            id=new_id("pub"),
            internal_id=new_id("u"),
            email=f"api-key-{key[4:12]}@service.sandbox.imbrace.local",
            password=None,
            display_name=f"{org.name} API key",
            first_name="API",
            last_name="key",
            organization_ids=[org_id],
            created_at=self.clock.now(),
        )
        self.api_keys[key] = ApiKey(key=key, organization_id=org_id, service_user=service)
        return key

    def keys_of(self, org_id: str) -> list[str]:
        """The organization's live API keys, oldest first."""
        self.organization(org_id)
        return [k.key for k in self.api_keys.values() if k.organization_id == org_id]

    def add_board(
        self, org_id: str, name: str, board_type: str = "General", fields: tuple[str, ...] = ()
    ) -> boards.Document:
        """A new board at the end of the organization's board order."""
        self.organization(org_id)
        order = sum(1 for b in self.boards.values() if b["organization_id"] == org_id)
        board = boards.new_board(org_id, name, board_type, order, fields, self.clock.now())
        self.boards[board["id"]] = board
        self.items[board["id"]] = []
        return board

    def add_item(self, board_id: str, values: tuple[str, ...]) -> boards.Document:
        """A new item on ``board_id``, one value per field."""
        item = boards.new_item(self.boards[board_id], values, self.clock.now())
        self.items[board_id].append(item)
        return item
