"""The sign-in forms. Input is checked here, so nothing malformed reaches the gateway."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

INVALID_EMAIL = _("Enter a valid e-mail address.")
CODE_LENGTH = 6
_CODE = re.compile(r"[A-Z0-9]{6}", re.ASCII)
# Separators people type or paste inside a code: spaces and the usual dashes.
_SEPARATORS = re.compile("[ \u00a0\u2007\u202f\\-\u2010\u2011\u2012\u2013\u2014\u2212]+")


def normalise_code(value: str) -> str:
    """The code as the gateway expects it, or ``""`` when what was typed is not a code.

    Decision: the text is NFKC-normalised first, so full-width characters typed with a
    CJK input method (``"\\uff21\\uff22\\uff23\\uff11\\uff12\\uff13"``) become their ASCII forms;
    spaces and dashes are removed and letters upper-cased. What remains must then be
    exactly six ASCII letters or digits: other scripts' digits (Arabic-Indic ``"\\u0663"``,
    Devanagari ``"\\u0969"``), a dotless i (``"\\u0131"``, which ``upper()`` would turn
    into ``I``), newlines and NUL are refused, never converted.
    """
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if not text.isascii():
        return ""
    text = text.upper()
    return text if _CODE.fullmatch(text) else ""


class EmailField(forms.EmailField):
    """An e-mail address with an ASCII local part (IDN domains are punycoded), lower-cased."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("label", _("E-mail address"))
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"autocomplete": "email", "autofocus": True, "autocapitalize": "none"}
        )

    def clean(self, value: Any) -> str:
        email = str(super().clean(value))
        local, _at, domain = email.rpartition("@")
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise forms.ValidationError(INVALID_EMAIL, code="invalid") from None
        if not local.isascii() or len(local) + len(domain) + 1 > 254:
            raise forms.ValidationError(INVALID_EMAIL, code="invalid")
        return f"{local}@{domain}".lower()


class EmailForm(forms.Form):
    """Start: the address a code is sent to."""

    email = EmailField()


class PasswordForm(forms.Form):
    """E-mail address and Imbrace password."""

    email = EmailField()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )


class CodeInput(forms.TextInput):
    """A text input that never writes the typed code back into the page (DESIGN 7)."""

    def format_value(self, value: Any) -> str | None:
        return None


class CodeForm(forms.Form):
    """The code from the e-mail (see :func:`normalise_code`)."""

    code = forms.CharField(
        label=_("Code from the e-mail"),
        max_length=64,
        widget=CodeInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
                "maxlength": 64,
            }
        ),
        error_messages={"required": _("Enter the code from the e-mail.")},
    )
    flow = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(
                _("A code is %(length)d letters or digits, like ABC123."),
                code="invalid",
                params={"length": CODE_LENGTH},
            )
        return code


class OrganizationForm(forms.Form):
    """The organization picked from this login's list (checked by the step), and the flow
    id of the page it was picked on (a stale tab is refused, as at the code step)."""

    # strip=False: the id exactly as posted (" org_1" or "org_1\n" is not a listed id).
    organization = forms.CharField(max_length=191, strip=False)
    flow = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
