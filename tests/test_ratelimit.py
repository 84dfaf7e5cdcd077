"""The rate-limit grammar, client addresses and counting in the cache."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils.crypto import salted_hmac

from django_imbrace import ratelimit
from django_imbrace.ratelimit import (
    Rule,
    blocked,
    client_ip,
    hash_key,
    parse,
    reserve,
    reserve_counter,
)
from tests.fixtures_signin import align_clock


@pytest.fixture(autouse=True)
def _clean() -> Any:
    cache.clear()
    align_clock()
    yield
    ratelimit.clock.reset()
    cache.clear()


def test_grammar() -> None:
    assert parse("20/m/ip,3/m/key") == [Rule(20, 60, "ip"), Rule(3, 60, "key")]
    assert parse(" 5/5m/key ") == [Rule(5, 300, "key")]
    assert parse("1/s/ip,2/2h/key,3/d/ip") == [
        Rule(1, 1, "ip"),
        Rule(2, 7200, "key"),
        Rule(3, 86400, "ip"),
    ]
    assert parse("") == []
    for bad in ["20/m", "x/m/ip", "3/w/ip", "3/m/user", "-1/m/ip"]:
        with pytest.raises(ValueError, match="Bad rate limit"):
            parse(bad)


def _request(remote: str = "192.0.2.1", xff: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_client_ip_ignores_forwarded_for_by_default() -> None:
    assert client_ip(_request(xff="203.0.113.9")) == "192.0.2.1"


@pytest.mark.parametrize(
    ("proxies", "xff", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, "garbage", "192.0.2.1"),
        (1, "", "192.0.2.1"),
        (1, "1.2.3.4; DROP", "192.0.2.1"),
        (3, "203.0.113.9", "192.0.2.1"),
        (1, "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        (1, "::ffff:203.0.113.9", "203.0.113.9"),
    ],
)
def test_client_ip_with_trusted_proxies(
    settings: Any, proxies: int, xff: str, expected: str
) -> None:
    settings.IMBRACE_TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(xff=xff)) == expected


def test_garbage_remote_addr_is_one_shared_bucket() -> None:
    assert client_ip(_request(remote="not-an-ip")) == "unknown"


def test_email_keys_are_lower_cased_and_hashed() -> None:
    assert hash_key(" Alice@Example.COM") == hash_key("alice@example.com")
    assert "alice" not in hash_key("alice@example.com")


def test_email_keys_are_keyed_by_the_secret_key(settings: Any) -> None:
    """Not a plain hash: a list of addresses hashed offline does not name the keys."""
    key = hash_key("alice@example.com")
    assert key != hashlib.sha256(b"alice@example.com").hexdigest()[:40]
    expected = salted_hmac("django_imbrace.ratelimit", "alice@example.com", algorithm="sha256")
    assert key == expected.hexdigest()[:40]
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    assert hash_key("alice@example.com") != key


def test_boundary_and_window(settings: Any) -> None:
    settings.IMBRACE_RATE_LIMITS = {"login_failed": "3/m/key"}
    request = _request()
    for _ in range(3):
        assert blocked(request, "login_failed", "a@example.com") is None
        assert not reserve(request, "login_failed", "a@example.com").refused
    wait = blocked(request, "login_failed", "a@example.com")
    assert wait is not None
    assert 1 <= wait <= 61
    assert blocked(request, "login_failed", "b@example.com") is None
    assert blocked(request, "login_failed") is None  # no key: the key rule does not apply
    ratelimit.clock.advance(61)
    assert blocked(request, "login_failed", "a@example.com") is None
    names = [name for _rule, name, _retry in ratelimit._buckets(request, "login_failed", "A@x.com")]
    assert names
    assert not any("@" in name or "x.com" in name.lower() for name in names)  # any cache


def test_reserve_refuses_past_the_count_and_gives_every_slot_back(settings: Any) -> None:
    settings.IMBRACE_RATE_LIMITS = {"login_failed": "3/m/ip,2/m/key"}
    request = _request()
    first, second = (reserve(request, "login_failed", "a@example.com") for _ in range(2))
    assert not first.refused
    assert not second.refused
    third = reserve(request, "login_failed", "a@example.com")
    assert third.refused
    assert third.retry_after is not None
    assert 1 <= third.retry_after <= 61
    assert blocked(request, "login_failed", "a@example.com") is not None
    # The refused request took nothing: the IP bucket still has room for one more.
    assert not reserve(request, "login_failed", "b@example.com").refused
    assert reserve(request, "login_failed", "c@example.com").refused  # 3/m/ip used up
    second.release()
    second.release()  # a slot is given back once
    assert blocked(request, "login_failed", "a@example.com") is None
    assert not reserve(request, "login_failed", "a@example.com").refused  # its slot again
    assert reserve(request, "login_failed", "d@example.com").refused  # 3/m/ip used up again
    assert reserve(request, "request_code", "a@example.com").retry_after is None


def test_reserve_counter() -> None:
    taken = [reserve_counter("imbrace:test:counter", 2, 60) for _ in range(3)]
    assert [slot.refused for slot in taken] == [False, False, True]
    assert [slot.value for slot in taken] == [1, 2, 3]
    taken[0].release()
    assert reserve_counter("imbrace:test:counter", 2, 60).value == 2


def test_limits_off(settings: Any) -> None:
    settings.IMBRACE_RATE_LIMITS = {}
    request = _request()
    for _ in range(50):
        assert not reserve(request, "request_code", "a@example.com").refused
    assert blocked(request, "request_code", "a@example.com") is None
