"""A hypothesis state machine over the sign-in pages, through Django's test client and
the sandbox: random sequences of code requests, right and random codes, resends,
organization choices (listed or forged), replays, clock moves and sign-outs.

Invariants after every step: never a 500; a signed-in session always belongs to an
address for which a code the sandbox issued was entered; a grant never sits in a
session without a user.
"""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from django_imbrace import ratelimit
from django_imbrace.conf import conf
from django_imbrace.sandbox import SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY
from tests.fixtures_signin import ALICE, BOB, CODE, LOGIN, LOGOUT, ORGANIZATION, RESEND, align_clock

from .conftest import flow_of, session_of

EMAILS = st.sampled_from([ALICE, BOB, "nobody@example.com"])
CODES = st.text(string.ascii_uppercase + string.digits + " -", min_size=0, max_size=8)


class SignInMachine(RuleBasedStateMachine):
    sandbox: SandboxGateway

    def __init__(self) -> None:
        super().__init__()
        self.sandbox.reset(seed="demo")
        caches[conf.CACHE_ALIAS].clear()
        align_clock()
        self.client = Client()
        self.proven: set[str] = set()  # addresses whose issued code was entered
        self.last_post: tuple[str, dict[str, str]] | None = None

    def _post(self, url: str, data: dict[str, str]) -> Any:
        self.last_post = (url, data)
        response = self.client.post(url, data)
        assert response.status_code < 500, (url, response.status_code)
        return response

    def _issued(self, email: str) -> set[str]:
        return {m.code for m in self.sandbox.outbox if m.email == email}

    def _enter(self, code: str) -> None:
        flow = flow_of(self.client)
        if flow is not None and code.replace(" ", "").replace("-", "") in self._issued(
            flow["email"]
        ):
            self.proven.add(flow["email"])
        self._post(CODE, {"code": code})

    @rule(email=EMAILS)
    def request_code(self, email: str) -> None:
        self._post(LOGIN, {"email": email})

    @precondition(lambda self: flow_of(self.client) is not None)
    @rule()
    def right_code(self) -> None:
        email = flow_of(self.client)["email"]  # type: ignore[index]
        issued = [m.code for m in self.sandbox.outbox if m.email == email]
        self._enter(issued[-1] if issued else "ABC123")

    @rule(code=CODES)
    def random_code(self, code: str) -> None:
        self._enter(code)

    @rule()
    def resend(self) -> None:
        self._post(RESEND, {})

    @rule(forged=st.text(max_size=20), pick=st.integers(0, 3))
    def choose_organization(self, forged: str, pick: int) -> None:
        flow = flow_of(self.client)
        listed = [org["id"] for org in (flow or {}).get("organizations", [])]
        choice = listed[pick] if pick < len(listed) else forged
        self._post(ORGANIZATION, {"organization": choice})

    @precondition(lambda self: self.last_post is not None)
    @rule()
    def replay(self) -> None:
        assert self.last_post is not None
        url, data = self.last_post
        self._post(url, data)

    @rule(seconds=st.sampled_from([1, 61, 301, 901, 3 * 3600 + 1]))
    def clocks_move(self, seconds: int) -> None:
        self.sandbox.advance(seconds)
        ratelimit.clock.advance(seconds)

    @rule()
    def sign_out(self) -> None:
        self._post(LOGOUT, {})

    @rule()
    def pages(self) -> None:
        for url in (LOGIN, CODE, ORGANIZATION, "/r/me/"):
            assert self.client.get(url).status_code < 500

    @invariant()
    def only_issued_codes_sign_in(self) -> None:
        stored = session_of(self.client)
        if ACCESS_SESSION_KEY in stored:
            assert "_auth_user_id" in stored
        if "_auth_user_id" in stored:
            user = get_user_model().objects.get(pk=stored["_auth_user_id"])
            assert user.email in self.proven
            assert ACCESS_SESSION_KEY in stored

    def teardown(self) -> None:
        ratelimit.clock.reset()


def test_sign_in_state_machine(hard: SandboxGateway) -> None:
    SignInMachine.sandbox = hard
    machine = SignInMachine.TestCase
    machine.settings = settings(
        max_examples=20,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine().runTest()
