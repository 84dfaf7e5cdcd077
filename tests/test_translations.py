"""Every message has a Vietnamese translation, and the compiled catalogue matches the source."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "django_imbrace" / "locale"


def _entries(po_file: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file, plural forms folded in."""
    entries: list[tuple[str, str, bool]] = []
    msgid = msgstr = ""
    fuzzy = False
    target = ""
    for raw in [*po_file.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if msgid:
                entries.append((msgid, msgstr, fuzzy))
            msgid = msgstr = target = ""
            fuzzy = False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            target, msgid = "id", line[6:].strip('"')
        elif line.startswith("msgid_plural"):
            target = "plural"
            msgid = "\\plural:" + msgid
        elif line.startswith("msgstr"):
            target, msgstr = "str", msgstr + line.split(" ", 1)[1].strip('"')
        elif line.startswith('"'):
            if target == "id":
                msgid += line.strip('"')
            elif target == "str":
                msgstr += line.strip('"')
    return entries


def test_vietnamese_catalogue_is_complete() -> None:
    entries = _entries(LOCALE / "vi" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 20
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_compiled_catalogue_matches_source(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr, fuzzy in _entries(folder / "django.po"):
        if msgstr and not fuzzy and "\\" not in msgid + msgstr:
            assert compiled.gettext(msgid) == msgstr, msgid
