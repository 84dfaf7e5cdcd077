"""Secret hygiene: sentinel codes, tokens, keys and passwords never leave the server."""

from __future__ import annotations

from django.test import Client

from django_imbrace.sandbox import Fault, SandboxGateway
from tests.fixtures_signin import ALICE, ask_code, enter_code


def test_a_typed_code_is_never_written_back_into_the_page(hard: SandboxGateway) -> None:
    browser = Client()
    ask_code(browser, ALICE)
    code = hard.last_code(ALICE)
    hard.inject("authenticate", Fault.status(503), times=1)
    outage = enter_code(browser, code)
    assert outage.status_code == 503
    wrong = enter_code(browser, "ZZ-ZZ 9Q")
    assert wrong.status_code == 200
    for page, typed in ((outage, code), (wrong, "ZZ-ZZ 9Q")):
        html = page.content.decode()
        assert typed not in html
        assert 'name="code"' in html
