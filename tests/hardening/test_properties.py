"""Property-based tests (hypothesis): the code normaliser, the ``next`` validator and the
rate-limit grammar. Deadlines are off and example counts modest (see RELIABILITY.md)."""

from __future__ import annotations

import string
from urllib.parse import urljoin, urlsplit

from django.test import RequestFactory
from hypothesis import example, given, settings
from hypothesis import strategies as st

from django_imbrace.finish import safe_next
from django_imbrace.forms import normalise_code
from django_imbrace.ratelimit import Rule, parse

FAST = settings(deadline=None, max_examples=300)
CODE_ALPHABET = string.ascii_uppercase + string.digits
SEPARATORS = " -\u00a0\u2013\u2014\u2212"


@FAST
@given(st.text(max_size=80))
@example("\u0663" * 6)
@example("\u0131abc12")
@example("ABC\n123")
@example("AB\x00123")
def test_normalised_code_is_six_ascii_letters_or_digits_or_nothing(typed: str) -> None:
    code = normalise_code(typed)
    assert code == "" or (len(code) == 6 and all(c in CODE_ALPHABET for c in code))
    assert normalise_code(code) == code  # idempotent


@FAST
@given(
    st.text(CODE_ALPHABET, min_size=6, max_size=6),
    st.lists(st.sampled_from(SEPARATORS), max_size=7),
    st.booleans(),
    st.booleans(),
)
def test_a_real_code_survives_how_people_type_it(
    code: str, separators: list[str], lower: bool, wide: bool
) -> None:
    typed = code.lower() if lower else code
    if wide:  # a CJK input method: full-width forms
        typed = "".join(chr(ord(c) + 0xFEE0) for c in typed)
    chars = list(typed)
    for n, separator in enumerate(separators):
        chars.insert(min(n * 2, len(chars)), separator)
    assert normalise_code("".join(chars)) == code


@FAST
@given(st.text(max_size=10).filter(lambda t: any(ord(c) < 32 for c in t)))
def test_a_control_character_is_never_part_of_a_code(noise: str) -> None:
    assert normalise_code("ABC" + noise + "123") == ""


URL_PIECES = st.sampled_from(
    [
        "/",
        "//",
        "\\",
        "\\\\",
        "/\\",
        "http:",
        "https:",
        "javascript:",
        "data:",
        "ftp:",
        "evil.example",
        "testserver",
        "@",
        ":",
        "?",
        "#",
        "%2F",
        "%5C",
        "%09",
        "%00",
        "\t",
        "\n",
        "\r",
        "\x00",
        " ",
        ".",
        "..",
        "a",
        "/path",
        "\u2215",
        "\uff0f",
        "\u3002",
        "[::1]",
        "127.0.0.1",
        ":443",
        "user:pass@",
    ]
)
NEXT_VALUES = st.one_of(st.lists(URL_PIECES, max_size=8).map("".join), st.text(max_size=40))


def _stays_here(target: str, secure: bool) -> bool:
    base = "https://testserver/imbrace/login/" if secure else "http://testserver/imbrace/login/"
    resolved = urlsplit(urljoin(base, target))
    return resolved.netloc == "testserver" and resolved.scheme == ("https" if secure else "http")


@settings(deadline=None, max_examples=600)
@given(NEXT_VALUES, st.booleans())
@example("//evil.example", False)
@example("/\\evil.example", False)
@example("https:evil.example", True)
@example("http://testserver/", True)
def test_safe_next_never_leaves_the_host(value: str, secure: bool) -> None:
    request = RequestFactory().get("/", secure=secure)
    kept = safe_next(request, value)
    assert kept == "" or kept == value.strip(" ")
    if kept:
        assert _stays_here(kept, secure), kept
        assert not any(ord(c) < 32 or ord(c) == 127 for c in kept)
        assert not kept.lower().startswith(("javascript:", "data:", "vbscript:"))


RULES = st.builds(
    Rule,
    count=st.integers(min_value=0, max_value=10**6),
    period=st.sampled_from([1, 60, 3600, 86400]),
    scope=st.sampled_from(["ip", "key"]),
)
UNIT = {1: "s", 60: "m", 3600: "h", 86400: "d"}


@FAST
@given(st.lists(RULES, max_size=5), st.sampled_from([",", " , ", ",,"]))
def test_rate_limit_grammar_round_trips(rules: list[Rule], joiner: str) -> None:
    spec = joiner.join(f"{r.count}/{UNIT[r.period]}/{r.scope}" for r in rules)
    assert parse(spec) == rules


@FAST
@given(st.integers(1, 999), st.integers(1, 99), st.sampled_from("smhd"))
def test_rate_limit_multiplier(count: int, multiplier: int, unit: str) -> None:
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    assert parse(f"{count}/{multiplier}{unit}/key") == [Rule(count, multiplier * seconds, "key")]


@FAST
@given(st.text(max_size=60))
@example("20/m/ip,3/m/host")
@example("3//key")
@example("-1/m/ip")
@example("1/m/ip/extra")
@example("1/0m/ip")  # a zero period divided by zero on every request
@example("\u0663/m/ip")  # Arabic-Indic digits are not a count
@example("1/m/ip\u2003")
def test_rate_limit_parser_never_crashes_on_junk(spec: str) -> None:
    error = ""
    try:
        rules = parse(spec)
    except ValueError as exc:
        error = str(exc)
    if error:
        assert error.startswith("Bad rate limit ")
        assert error.endswith(": expected COUNT/PERIOD/ip|key")
    else:
        assert all(r.scope in ("ip", "key") and r.count >= 0 and r.period > 0 for r in rules)
