"""Hostile use of the sign-in: each attack as a test, extending what the sign-in tests
already prove (see RELIABILITY.md for the cases covered elsewhere)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from django_imbrace import ratelimit
from django_imbrace.models import ImbraceIdentity
from django_imbrace.sandbox import SandboxGateway
from django_imbrace.session import ACCESS_SESSION_KEY
from tests.fixtures_signin import (
    ALICE,
    BOB,
    CAROL,
    CODE,
    LOGIN,
    LOGOUT,
    ORGANIZATION,
    PASSWORD,
    RESEND,
    align_clock,
    ask_code,
    enter_code,
    password_login,
    requests,
)

from .conftest import assert_nothing_stored, flow_of, session_of, signed_in

API = {
    name: reverse(f"django_imbrace:api:{name}")
    for name in (
        "request-code",
        "resend-code",
        "verify-code",
        "password",
        "organization",
        "signout",
    )
}


def _wrong(sandbox: SandboxGateway, email: str) -> str:
    return "ZZZZZ9" if sandbox.last_code(email) != "ZZZZZ9" else "ZZZZZ8"


# -- brute force -----------------------------------------------------------------


def test_guessing_codes_stops_at_five_whatever_the_attacker_resets(
    hard: SandboxGateway, settings: Any
) -> None:
    """New session, new address, new code and resends after every guess: the per-e-mail
    failure counter (5 per 5 minutes) still caps the guesses the gateway ever sees."""
    settings.IMBRACE_OTP_RESEND_COOLDOWN = 0  # the most lenient resend policy
    align_clock()  # fixed rate windows: no minute may roll over mid-round
    sandbox = hard
    for round_ in range(2):
        attacker = Client(REMOTE_ADDR=f"10.66.{round_}.1")
        if ask_code(attacker, ALICE).status_code == 429:
            ratelimit.clock.advance(61)  # next minute: three more codes (still < 5 min)
            ask_code(attacker, ALICE)
        for _ in range(3):
            enter_code(attacker, _wrong(sandbox, ALICE))
            attacker.post(RESEND)
        assert not signed_in(attacker)
    assert requests(sandbox)["authenticate"] == 5
    late = Client(REMOTE_ADDR="10.66.99.1")
    ratelimit.clock.advance(61)  # a code can be asked for again; guesses cannot
    assert ask_code(late, ALICE).status_code == 302
    response = enter_code(late, sandbox.last_code(ALICE))  # even the right code
    assert response.status_code == 429
    assert_nothing_stored(late)
    assert requests(sandbox)["authenticate"] == 5


# -- enumeration -------------------------------------------------------------------


def _transcript(sandbox: SandboxGateway, email: str) -> list[Any]:
    """Everything an attacker sees for ``email``: statuses, redirects, pages, gateway calls."""
    client = Client()
    sandbox.reset_stats()
    seen: list[Any] = []

    def page(response: Any) -> None:
        html = response.content.decode().replace(email, "EMAIL")
        flow = flow_of(client)
        if flow:
            html = html.replace(flow["flow_id"], "FLOW")
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
        seen.append((response.status_code, response.get("Location"), html))

    page(ask_code(client, email))
    page(client.get(CODE))
    page(enter_code(client, "ZZZZZ9"))
    ratelimit.clock.advance(61)
    page(client.post(RESEND))
    page(client.get(CODE))
    page(enter_code(client, "ZZZZZ8"))
    page(enter_code(client, "ZZZZZ7"))
    page(password_login(Client(), email, "not-the-password"))
    seen.append(requests(sandbox))
    return seen


def test_no_enumeration_by_page_status_or_gateway_calls(hard: SandboxGateway) -> None:
    """A member, a member of two organizations, a deactivated account and an unknown
    address get identical answers through the code flow and a wrong password."""
    reference = _transcript(hard, ALICE)
    for email in (BOB, CAROL, "nobody@example.com"):
        ratelimit.clock.advance(600)  # fresh windows for the next address
        assert _transcript(hard, email) == reference, email


# -- open redirects ------------------------------------------------------------------

# Beyond tests/test_signin_security.py's corpus: scheme tricks, encoded and Unicode
# slashes, credentials, CR/LF and very long values.
MORE_BAD_NEXT = [
    "https:evil.example",
    "http:evil.example",
    "http:/evil.example",
    "http:/\\/\\evil.example",
    "data:text/html,<script>alert(1)</script>",
    "javascript://%0Aalert(1)",
    "vbscript:msgbox(1)",
    "/\r\n/evil.example",
    "/\n//evil.example",
    "\r\n//evil.example",
    "/\t/evil.example",
    "https://testserver\\@evil.example",
    "https://testserver:443@evil.example",
    "https://evil.example#@testserver",
    "//evil.example\\@testserver",
    "\u2215\u2215evil.example",
    "\uff0f\uff0fevil.example",
    "//evil\u3002example",
    "/" + "a" * 5000,
    "//" + "evil." * 1000 + "example",
]


def _stays_here(location: str) -> bool:
    """Whether a browser on /imbrace/login/ following ``location`` stays on this site."""
    resolved = urlsplit(urljoin("http://testserver/imbrace/login/", location))
    return resolved.scheme == "http" and resolved.netloc == "testserver"


def _location(response: Any) -> str:
    assert response.status_code == 302, response.status_code
    location = str(response["Location"])
    assert _stays_here(location), location
    # dropped, or kept only as a harmless path (Unicode slashes are not slashes)
    return "/" if location == "/" or not location.isascii() or "%" in location else location


@pytest.mark.parametrize("next_url", MORE_BAD_NEXT)
def test_open_redirect_corpus_at_every_step(hard: SandboxGateway, next_url: str) -> None:
    start_page = Client().get(LOGIN, {"next": next_url}).content.decode()
    for kept in re.findall(r'name="next" value="([^"]*)"', start_page):
        assert _stays_here(html.unescape(kept))
    assert "a" * 5000 not in start_page
    # code flow, with a resend in between (the flow carries next)
    client = Client()
    ask_code(client, ALICE, next=next_url)
    ratelimit.clock.advance(61)
    client.post(RESEND, {"next": next_url})
    assert _location(client.post(CODE, {"code": hard.last_code(ALICE), "next": next_url})) == "/"
    # password, one organization
    assert _location(password_login(Client(), ALICE, next=next_url)) == "/"
    # password, then the organization picker (next posted again at the last step)
    bob = Client()
    password_login(bob, BOB, next=next_url)
    acme = hard.user(BOB).organization_ids[0]
    assert _location(bob.post(ORGANIZATION, {"organization": acme, "next": next_url})) == "/"
    # sign-out
    assert _location(Client().post(LOGOUT, {"next": next_url})) == "/"
    # the JSON API's answer carries the same checked target
    api = Client()
    body = {"email": ALICE, "password": "alice-password", "next": next_url}
    answer = api.post(API["password"], body, content_type="application/json")
    assert answer.status_code == 200
    assert _stays_here(answer.json()["next"])


# -- CSRF ------------------------------------------------------------------------------

PAGE_POSTS = [LOGIN, PASSWORD, CODE, RESEND, ORGANIZATION, LOGOUT]


def test_csrf_with_another_browsers_token_or_a_foreign_origin(hard: SandboxGateway) -> None:
    """Every POST (pages and JSON API): a token from the attacker's own browser, or the
    victim's real token sent from another origin, is refused; nothing reaches the gateway."""
    attacker = Client(enforce_csrf_checks=True)
    attacker.get(LOGIN)
    foreign_token = attacker.cookies["csrftoken"].value
    victim = Client(enforce_csrf_checks=True)
    victim.get(LOGIN)
    own_token = victim.cookies["csrftoken"].value
    for url in [*PAGE_POSTS, *API.values()]:
        stolen = victim.post(url, {"email": ALICE, "csrfmiddlewaretoken": foreign_token})
        assert stolen.status_code == 403, url
        api_style = victim.post(
            url, {"email": ALICE}, content_type="application/json", HTTP_X_CSRFTOKEN=foreign_token
        )
        assert api_style.status_code == 403, url
        cross_site = victim.post(
            url,
            {"email": ALICE, "csrfmiddlewaretoken": own_token},
            HTTP_ORIGIN="https://evil.example",
        )
        assert cross_site.status_code == 403, url
    assert requests(hard) == {}
    assert victim.post(LOGIN, {"email": ALICE, "csrfmiddlewaretoken": own_token}).status_code == 302


# -- sessions ----------------------------------------------------------------------------


def _sign_in_by(path: str, client: Client, sandbox: SandboxGateway) -> None:
    if path == "code":
        ask_code(client, ALICE)
        assert enter_code(client, sandbox.last_code(ALICE)).status_code == 302
    elif path == "password":
        assert password_login(client, ALICE).status_code == 302
    else:
        password_login(client, BOB)
        acme = sandbox.user(BOB).organization_ids[0]
        assert client.post(ORGANIZATION, {"organization": acme}).status_code == 302


@pytest.mark.parametrize("path", ["code", "password", "picker"])
def test_a_planted_session_cookie_is_worthless_after_sign_in(
    hard: SandboxGateway, path: str
) -> None:
    """Session fixation: the attacker plants their session key (with a flow of their own
    started in it) in the victim's browser; after the victim signs in, the planted key is
    anonymous, holds no grant and cannot use ``request.imbrace``."""
    attacker = Client()
    ask_code(attacker, "mallory@example.com")
    planted = attacker.cookies["sessionid"].value
    victim = Client()
    victim.cookies["sessionid"] = planted
    _sign_in_by(path, victim, hard)
    assert victim.cookies["sessionid"].value != planted
    assert signed_in(victim)
    assert_nothing_stored(attacker)
    response = attacker.get("/r/me/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_switching_user_by_code_leaves_nothing_of_the_first(hard: SandboxGateway) -> None:
    browser = Client()
    _sign_in_by("code", browser, hard)
    alice_session = session_of(browser)
    password_login(browser, BOB)
    globex = next(o for o in hard.organizations if o.name == "Globex")
    browser.post(ORGANIZATION, {"organization": globex.id})
    bob_session = session_of(browser)
    assert bob_session["_auth_user_id"] != alice_session["_auth_user_id"]
    assert alice_session[ACCESS_SESSION_KEY]["token"] not in repr(bob_session)
    assert browser.get("/r/me/").json() == {"email": BOB}


def test_a_failed_switch_does_not_sign_the_first_user_out(hard: SandboxGateway) -> None:
    browser = Client()
    _sign_in_by("password", browser, hard)
    before = session_of(browser)[ACCESS_SESSION_KEY]
    ask_code(browser, BOB)
    for _ in range(3):
        enter_code(browser, _wrong(hard, BOB))
    assert flow_of(browser) is None
    assert session_of(browser)[ACCESS_SESSION_KEY] == before
    assert browser.get("/r/me/").json() == {"email": ALICE}


def test_old_cookie_after_sign_out_reaches_nothing(hard: SandboxGateway) -> None:
    browser = Client()
    _sign_in_by("password", browser, hard)
    old = browser.cookies["sessionid"].value
    browser.post(LOGOUT)
    hard.reset_stats()
    replay = Client()
    replay.cookies["sessionid"] = old
    for url in ("/r/me/", "/r/boards/"):
        response = replay.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    assert replay.get("/r/me/", headers={"accept": "application/json"}).status_code == 401
    assert replay.post(ORGANIZATION, {"organization": "x"})["Location"] == LOGIN
    assert requests(hard) == {}


def test_two_browsers_of_one_user_use_and_leave_independently(hard: SandboxGateway) -> None:
    first, second = Client(), Client()
    _sign_in_by("code", first, hard)
    _sign_in_by("password", second, hard)
    assert first.get("/r/boards/").status_code == 200
    assert second.get("/r/boards/").status_code == 200
    assert get_user_model().objects.count() == 1
    second.post(LOGOUT)
    assert not signed_in(second)
    assert first.get("/r/me/").json() == {"email": ALICE}
    _sign_in_by("code", second, hard)
    assert first.get("/r/me/").status_code == 200


# -- tampered input ------------------------------------------------------------------------


def test_tampered_organization_ids_are_refused_without_an_exchange(hard: SandboxGateway) -> None:
    browser = Client()
    password_login(browser, BOB)
    acme, globex = hard.user(BOB).organization_ids
    alice_only = hard.add_organization("Initech").id
    for posted in [
        f"{acme}\n",
        f"{acme}\x00",
        f" {acme}",
        acme.upper(),
        acme + "\u200b",
        f"{acme},{globex}",
        [alice_only, alice_only],
        "../" + acme,
        "\u202e" + acme,
    ]:
        response = browser.post(ORGANIZATION, {"organization": posted})
        assert response.status_code in (200, 400), posted
        assert not signed_in(browser)
    assert "exchange" not in requests(hard)
    assert browser.post(ORGANIZATION, {"organization": [alice_only, globex]}).status_code == 302
    assert session_of(browser)[ACCESS_SESSION_KEY]["organization_id"] == globex


# Leading and trailing whitespace is trimmed by Django's form fields (the same address),
# so only inner control characters are hostile here.
HOSTILE_EMAILS = [
    "alice@example.com\r\nBcc: mallory@example.com",
    "alice\x00@example.com",
    "alice@example.com\x00",
    "\u0430lice@example.com",  # Cyrillic a
    "\uff41lice@example.com",  # full-width a
    "ali\u200bce@example.com",  # zero-width space
    "\u202ealice@example.com",  # right-to-left override
    "alice@example.com,bob@example.com",
    "<alice@example.com>",
    "alice@example.com " * 20,
    "a" * 64 + "@" + "b" * 250 + ".com",
    "x" * 100_000,
    "\U0001f600@example.com",
]
HOSTILE_CODES = [
    "ABC\r\n123",
    "ABC123\x00",
    "\x00" * 6,
    "ABC12\u200b3",
    "\u0391\u0392\u0393123",  # Greek capitals that look like ABG
    "\u0410\u0412\u0421123",  # Cyrillic capitals that look like ABC
    "\u0661\u0662\u0663\u0664\u0665\u0666",  # Arabic-Indic digits
    "ABC123" * 1000,
    "' OR 1=1 --",
    "{{code}}",
]


def test_hostile_emails_codes_and_passwords_never_reach_the_gateway(
    hard: SandboxGateway,
) -> None:
    for email in HOSTILE_EMAILS:
        for response in (
            ask_code(Client(), email),
            password_login(Client(), email, "alice-password"),
        ):
            assert response.status_code == 200, email
            assert response.context["form"].errors, email
    for password in ("alice-password\x00", "p" * 1025):
        response = password_login(Client(), ALICE, password)
        assert response.context["form"].errors
    browser = Client()
    ask_code(browser, ALICE)
    hard.reset_stats()
    for code in HOSTILE_CODES:
        response = enter_code(browser, code)
        assert response.status_code == 200, code
        assert response.context["form"].errors, code
    assert requests(hard) == {}
    assert flow_of(browser)["attempts"] == 0


def test_homoglyph_domain_is_another_address_not_alice(hard: SandboxGateway) -> None:
    """An IDN look-alike domain is sent punycoded: a different address, never Alice's."""
    browser = Client()
    assert ask_code(browser, "alice@ex\u0430mple.com").status_code == 302
    assert flow_of(browser)["email"] == "alice@xn--exmple-4nf.com"
    with pytest.raises(LookupError):
        hard.last_code(ALICE)


# -- X-Forwarded-For ---------------------------------------------------------------------


def _flood(forwarded: list[str]) -> list[int]:
    client = Client(REMOTE_ADDR="192.0.2.10")
    return [
        client.post(
            LOGIN, {"email": f"user{n}@example.com"}, headers={"x-forwarded-for": xff}
        ).status_code
        for n, xff in enumerate(forwarded)
    ]


def test_spoofed_forwarded_for_is_ignored_without_trusted_proxies(hard: SandboxGateway) -> None:
    statuses = _flood([f"203.0.113.{n}" for n in range(21)])
    assert statuses == [302] * 20 + [429]


def test_forwarded_for_with_a_trusted_proxy(hard: SandboxGateway, settings: Any) -> None:
    settings.IMBRACE_TRUSTED_PROXY_COUNT = 1
    assert _flood([f"10.0.0.9, 203.0.113.{n}" for n in range(25)]) == [302] * 25
    ratelimit.clock.advance(60)
    garbage = ["unknown", "<script>", "1.2.3.4.5", "", "::ffff:zz", "\x00"] * 4
    assert _flood(garbage) == [302] * 20 + [429] * 4  # one bucket: the proxy's own


# -- database errors -----------------------------------------------------------------------


@pytest.fixture
def refuse_inserts_into(db: None) -> Iterator[Any]:
    """``refuse(table, how)``: every INSERT into ``table`` fails with a real database error,
    raised by a trigger in the database (``how="trigger"``: SQLite reports it as an
    ``IntegrityError``, PostgreSQL as an ``InternalError``) or by Django's public
    ``connection.execute_wrapper`` hook (``how="wrapper"``: an ``OperationalError``)."""
    made: list[str] = []
    wrappers = ExitStack()

    def refuse(table: str, how: str) -> None:
        if how == "wrapper":

            def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                if re.match(rf'\s*INSERT INTO "?{table}"?\s', sql, re.IGNORECASE):
                    raise OperationalError("refused by the test")
                return execute(sql, params, many, context)

            wrappers.enter_context(connection.execute_wrapper(wrapper))
            return
        name = f"hardening_refuse_{table}"
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE INSERT ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
                )
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE INSERT ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {name}()"
                )
            else:
                pytest.skip(f"no trigger recipe for {connection.vendor}")
        made.append(table)

    with wrappers:
        yield refuse
    with connection.cursor() as cursor:
        for table in made:
            name = f"hardening_refuse_{table}"
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER {name} ON {table}")
                cursor.execute(f"DROP FUNCTION {name}()")
            else:
                cursor.execute(f"DROP TRIGGER {name}")


@pytest.mark.parametrize("how", ["wrapper", "trigger"])
@pytest.mark.parametrize("table", ["auth_user", ImbraceIdentity._meta.db_table])
def test_database_error_creating_the_local_user(
    hard: SandboxGateway, refuse_inserts_into: Any, table: str, how: str
) -> None:
    """A real database error while the local user or its identity link is created: no
    grant, no half-signed-in user, no orphan user. An operational error is an outage (503);
    an integrity error is a conflict, refused with the generic message (200)."""
    refuse_inserts_into(table, how)
    browser = Client()
    response = password_login(browser, ALICE)
    conflict = how == "trigger" and connection.vendor == "sqlite"
    if conflict:
        assert response.status_code == 200
        assert b"The e-mail address or password is incorrect." in response.content
    else:
        assert response.status_code == 503
        assert b"We could not reach Imbrace just now." in response.content
    assert_nothing_stored(browser)
    assert get_user_model().objects.count() == 0
    assert ImbraceIdentity.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_database_error_during_login_leaves_no_half_session(hard: SandboxGateway) -> None:
    """``login()`` writes ``last_login``: when that UPDATE fails, the sign-in answers 503
    and the session holds neither a user nor a grant (not a 500 with ``_auth_user_id``)."""
    assert password_login(Client(), ALICE).status_code == 302  # the local user exists

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if re.match(r'\s*UPDATE "?auth_user"? SET "?last_login', sql, re.IGNORECASE):
            raise OperationalError("refused by the test")
        return execute(sql, params, many, context)

    browser = Client()
    with connection.execute_wrapper(wrapper):
        response = password_login(browser, ALICE)
    assert response.status_code == 503
    assert b"We could not reach Imbrace just now." in response.content
    assert_nothing_stored(browser)
    assert browser.get("/r/me/").status_code == 302
