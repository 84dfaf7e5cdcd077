"""Input checks: nothing malformed is ever sent to the gateway."""

from __future__ import annotations

import pytest

from django_imbrace.forms import CodeForm, EmailForm, PasswordForm, normalise_code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ABC123", "ABC123"),
        ("abc123", "ABC123"),
        (" abc 123 ", "ABC123"),
        ("abc-123", "ABC123"),
        ("a b-c\u2013123", "ABC123"),
        ("\uff41\uff42\uff43\uff11\uff12\uff13", "ABC123"),  # full width: NFKC
        ("abc\u00a0123", "ABC123"),
        ("", ""),
        (" - ", ""),
        ("ABC12", ""),
        ("ABC1234", ""),
        ("ABC\n123", ""),
        ("ABC\x00123", ""),
        ("\u0663\u0663\u0663\u0663\u0663\u0663", ""),  # Arabic-Indic digits
        ("\u0969\u0969\u0969\u0969\u0969\u0969", ""),  # Devanagari digits
        ("\u0131bc123", ""),  # dotless i would upper() to I
        ("\u00dfbc12", ""),  # sharp s would upper() to SS
        ("ABC_23", ""),
    ],
)
def test_normalise_code(typed: str, expected: str) -> None:
    assert normalise_code(typed) == expected


def test_code_form_errors() -> None:
    assert CodeForm({"code": "abc 123"}).is_valid()
    assert CodeForm({"code": "abc 123"}).errors == {}
    form = CodeForm({"code": " - "})
    assert not form.is_valid()
    assert "code" in form.errors
    assert not CodeForm({"code": "A" * 65}).is_valid()


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "not-an-email",
        "a@b",
        "m\u0131ke@example.com",
        "alice@example.com\x00",
        "ali\nce@example.com",
        "a" * 250 + "@example.com",
        "alice@@example.com",
    ],
)
def test_bad_emails(typed: str) -> None:
    assert not EmailForm({"email": typed}).is_valid()


def test_good_emails() -> None:
    form = EmailForm({"email": " Alice@Example.COM "})
    assert form.is_valid()
    assert form.cleaned_data["email"] == "alice@example.com"
    form = EmailForm({"email": "alice@b\u00fccher.example"})
    assert form.is_valid()
    assert form.cleaned_data["email"] == "alice@xn--bcher-kva.example"


def test_password_form() -> None:
    assert PasswordForm({"email": "a@example.com", "password": " spaced "}).is_valid()
    assert not PasswordForm({"email": "a@example.com", "password": "x\x00"}).is_valid()
    assert not PasswordForm({"email": "a@example.com", "password": ""}).is_valid()
