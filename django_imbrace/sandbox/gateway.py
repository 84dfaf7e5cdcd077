""":class:`SandboxGateway`: a local Imbrace gateway to start, seed, inspect and break."""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from dataclasses import replace
from types import TracebackType
from typing import Any

from .app import SandboxApp
from .clock import SandboxClock
from .faults import Fault
from .models import OutboxMessage, SandboxOrganization, SandboxUser
from .seed import seed_info
from .server import SandboxHTTPServer
from .stats import SandboxStats
from .tokens import revoke


def _copy_user(user: SandboxUser) -> SandboxUser:
    return replace(user, organization_ids=list(user.organization_ids))


class SandboxGateway:
    """A faithful local Imbrace gateway over real HTTP (see ``imbrace-contract.md``).

    ``seed`` is ``"demo"`` or ``"empty"``; ``port=0`` picks a free port; with
    ``print_codes`` every one-time code is printed to stdout when "sent".
    All methods are thread-safe and return copies, never live records.
    """

    def __init__(
        self,
        seed: str = "demo",
        host: str = "127.0.0.1",
        port: int = 0,
        print_codes: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self._app = SandboxApp(seed, print_codes=print_codes)
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------

    def start(self) -> SandboxGateway:
        """Start serving in a daemon thread; returns ``self``."""
        if self._server is None:
            server = SandboxHTTPServer((self.host, self.port), self._app)
            self.port = server.server_address[1]
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"imbrace-sandbox-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every socket (idempotent)."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SandboxGateway:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` without a trailing slash (after :meth:`start`)."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    def reset(self, seed: str = "demo") -> None:
        """A fresh seed; clears outbox, faults, stats and tokens; the clock at real time."""
        self._app.reset(seed)

    # -- data ------------------------------------------------------------

    def add_organization(self, name: str) -> SandboxOrganization:
        """A new organization with the six default boards and one API key."""
        with self._app.state.lock:
            return replace(self._app.state.add_organization(name))

    def add_user(
        self,
        email: str,
        password: str | None = None,
        *,
        display_name: str = "",
        first_name: str = "",
        last_name: str = "",
        active: bool = True,
        verified: bool = True,
        organizations: Sequence[str] = (),
        role: str = "owner",
    ) -> SandboxUser:
        """A new user (``email`` lower-cased), member of ``organizations`` with ``role``."""
        with self._app.state.lock:
            user = self._app.state.add_user(
                email,
                password,
                display_name=display_name,
                first_name=first_name,
                last_name=last_name,
                active=active,
                verified=verified,
                organizations=organizations,
                role=role,
            )
            return _copy_user(user)

    def add_membership(self, user_email: str, org_id: str, role: str = "member") -> None:
        """Make the user a member of ``org_id`` (or change their role there)."""
        with self._app.state.lock:
            self._app.state.add_membership(user_email, org_id, role)

    def add_api_key(self, org_id: str) -> str:
        """A new ``api_<hex>`` key for the organization."""
        with self._app.state.lock:
            return self._app.state.add_api_key(org_id)

    def add_board(self, org_id: str, name: str, type: str = "General") -> dict[str, Any]:
        """A new, empty board at the end of the organization's boards."""
        with self._app.state.lock:
            return copy.deepcopy(self._app.state.add_board(org_id, name, type))

    def user(self, email: str) -> SandboxUser:
        """The user with this e-mail (any case); :class:`KeyError` if unknown."""
        with self._app.state.lock:
            return _copy_user(self._app.state.user(email))

    def organization(self, org_id: str) -> SandboxOrganization:
        """The organization ``org_id``; :class:`KeyError` if unknown."""
        with self._app.state.lock:
            return replace(self._app.state.organization(org_id))

    @property
    def organizations(self) -> list[SandboxOrganization]:
        """Every organization, oldest first."""
        with self._app.state.lock:
            return [replace(o) for o in self._app.state.organizations.values()]

    @property
    def users(self) -> list[SandboxUser]:
        """Every user who can log in (not API-key service users), oldest first."""
        with self._app.state.lock:
            return [_copy_user(u) for u in self._app.state.users.values()]

    def api_keys(self, org_id: str) -> list[str]:
        """The organization's live API keys, oldest first."""
        with self._app.state.lock:
            return self._app.state.keys_of(org_id)

    def seed_info(self) -> dict[str, Any]:
        """Users (with passwords) and organizations (with keys): ``GET /__sandbox__/seed``."""
        with self._app.state.lock:
            return seed_info(self._app.state)

    # -- codes, clock, tokens ----------------------------------------------

    @property
    def outbox(self) -> list[OutboxMessage]:
        """Every code "sent", newest last."""
        with self._app.state.lock:
            return list(self._app.state.outbox)

    def last_code(self, email: str) -> str:
        """The newest code sent to ``email``; :class:`LookupError` if none was."""
        wanted = email.strip().lower()
        for message in reversed(self.outbox):
            if message.email == wanted:
                return message.code
        raise LookupError(f"no code was sent to {email!r}")

    @property
    def clock(self) -> SandboxClock:
        """The sandbox clock (``clock.now()``)."""
        return self._app.clock

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock forward: tokens and codes expire by it."""
        self._app.clock.advance(seconds)

    def revoke(self, token: str) -> None:
        """Reject this ``login_acc_`` / ``acc_`` token or ``api_`` key from now on."""
        with self._app.state.lock:
            revoke(self._app.state, token)

    # -- faults and counters -------------------------------------------------

    def inject(self, route: str, fault: Fault, times: int | None = None) -> None:
        """Apply ``fault`` to ``route`` (``"*"``: every route) ``times`` times, or until cleared."""
        self._app.faults.inject(route, fault, times)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self._app.faults.clear()

    @property
    def stats(self) -> SandboxStats:
        """Live counters: ``requests``, ``connections``, ``credentials``."""
        return self._app.stats

    def reset_stats(self) -> None:
        """Zero the counters."""
        self._app.stats.reset()
