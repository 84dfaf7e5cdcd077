"""Error reports of an unexpected failure in a sign-in step (DEBUG off).

The sign-in pages and API endpoints wear ``sensitive_variables()``: every frame below
them (ours, and the SDK's holding ``otp`` or ``password``) is cleansed in the report an
``AdminEmailHandler`` would send. The failure is real: the database refuses to create
the local user after the gateway accepted the code or password.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client
from django.views.debug import ExceptionReporter

from django_imbrace.sandbox import SandboxGateway
from tests.fixtures_api import url
from tests.fixtures_signin import ALICE, CODE, PASSWORDS, ask_code, password_login


class Broken(RuntimeError):
    """Not a database or gateway error: nothing on the way handles it, so it is a 500."""


@pytest.fixture
def reports(gateway_settings: SandboxGateway) -> Iterator[list[str]]:
    """The text and HTML reports of every 500, while creating a user fails."""
    found: list[str] = []
    users = get_user_model()._meta.db_table

    def report(sender: Any, request: Any, **kwargs: Any) -> None:
        reporter = ExceptionReporter(request, *sys.exc_info())
        found.append(reporter.get_traceback_text() + reporter.get_traceback_html())

    def refuse_new_users(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if sql.lstrip().upper().startswith("INSERT") and users in sql:
            raise Broken("the user table is broken")
        return execute(sql, params, many, context)

    got_request_exception.connect(report)
    try:
        with connection.execute_wrapper(refuse_new_users):
            yield found
    finally:
        got_request_exception.disconnect(report)


def _page_code(client: Client, sandbox: SandboxGateway) -> tuple[int, str]:
    ask_code(client, ALICE)
    code = sandbox.last_code(ALICE)
    return client.post(CODE, {"code": code}).status_code, code


def _page_password(client: Client, sandbox: SandboxGateway) -> tuple[int, str]:
    return password_login(client, ALICE).status_code, PASSWORDS[ALICE]


def _post_json(client: Client, name: str, body: dict[str, str]) -> int:
    return client.post(url(name), json.dumps(body), content_type="application/json").status_code


def _api_code(client: Client, sandbox: SandboxGateway) -> tuple[int, str]:
    _post_json(client, "request-code", {"email": ALICE})
    code = sandbox.last_code(ALICE)
    return _post_json(client, "verify-code", {"code": code}), code


def _api_password(client: Client, sandbox: SandboxGateway) -> tuple[int, str]:
    password = PASSWORDS[ALICE]
    return _post_json(client, "password", {"email": ALICE, "password": password}), password


@pytest.mark.parametrize(
    "step",
    [_page_code, _page_password, _api_code, _api_password],
    ids=["page-code", "page-password", "api-code", "api-password"],
)
def test_reports_of_a_failing_step_hold_no_code_or_password(
    reports: list[str],
    gateway_settings: SandboxGateway,
    step: Callable[[Client, SandboxGateway], tuple[int, str]],
) -> None:
    status, secret = step(Client(raise_request_exception=False), gateway_settings)
    assert status == 500
    assert len(reports) == 1
    assert "the user table is broken" in reports[0]  # the report itself is intact
    assert secret not in reports[0]
    assert secret.lower() not in reports[0].lower()
