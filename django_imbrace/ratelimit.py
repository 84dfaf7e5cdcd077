"""Rate limits in the ``"20/m/ip,3/m/key"`` grammar, counted in Django's cache.

A rule is ``COUNT/PERIOD/SCOPE``: ``PERIOD`` is ``s``, ``m``, ``h`` or ``d`` with an
optional multiplier (``5m``); ``SCOPE`` is ``ip`` (the client address) or ``key`` (the
e-mail address, lower-cased and hashed: no address is ever stored in the cache).
Counters are fixed windows aligned to the epoch (one atomic ``incr`` per event, safe
across processes with Redis or Memcached) in ``IMBRACE_CACHE_ALIAS``; a burst that
straddles a window boundary can reach twice a limit, never more. The limits come from
``IMBRACE_RATE_LIMITS`` (``{}`` turns them off).

Check with :func:`blocked` before acting, count with :func:`record` afterwards: code
requests are recorded unless the gateway was unreachable, sign-ins only when they
fail. A success never resets a counter.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.http import HttpRequest

from .conf import conf

REQUEST_CODE = "request_code"
LOGIN_FAILED = "login_failed"

_RULE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*/\s*(ip|key)\s*$", re.ASCII)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class Clock:
    """Wall time with a test offset: ``clock.advance(61)`` instead of sleeping."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def reset(self) -> None:
        self.offset = 0.0


clock = Clock()
"""The clock behind rate windows and sign-in deadlines (shared with :mod:`.flow`)."""


@dataclass(frozen=True)
class Rule:
    """``count`` events per ``period`` seconds per ``scope`` (``"ip"`` or ``"key"``)."""

    count: int
    period: int
    scope: str


def parse(spec: str) -> list[Rule]:
    """The rules of ``"20/m/ip,3/m/key"``; raises ``ValueError`` on a malformed rule."""
    rules = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        match = _RULE.match(part)
        if match is None or (match.group(2) and int(match.group(2)) == 0):  # "0m": no period
            raise ValueError(f"Bad rate limit {part!r}: expected COUNT/PERIOD/ip|key")
        count, multiplier, unit, scope = match.groups()
        rules.append(Rule(int(count), int(multiplier or 1) * _UNITS[unit], scope))
    return rules


def rules_for(action: str) -> list[Rule]:
    """The configured rules of ``action`` (none when limits are off)."""
    return parse(conf.RATE_LIMITS.get(action, ""))


def client_ip(request: HttpRequest) -> str:
    """The client address: ``REMOTE_ADDR``, or the ``X-Forwarded-For`` entry added by the
    outermost of ``IMBRACE_TRUSTED_PROXY_COUNT`` trusted proxies.

    Anything that is not an IP address is ignored (garbage never becomes a key);
    IPv6 clients are grouped by their /64 network.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    proxies = conf.TRUSTED_PROXY_COUNT
    if proxies > 0:
        chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(chain) >= proxies:
            forwarded = _valid_ip(chain[-proxies])
            if forwarded:
                return forwarded
    return remote or "unknown"


def _valid_ip(value: str) -> str | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def hash_key(value: str) -> str:
    """The cache-safe form of an e-mail address: lower-cased, stripped, hashed."""
    return hashlib.sha256(value.strip().lower().encode("utf-8")).hexdigest()[:40]


def _buckets(request: HttpRequest, action: str, key: str | None) -> list[tuple[Rule, str, int]]:
    now = clock.now()
    buckets = []
    for rule in rules_for(action):
        if rule.scope == "ip":
            ident = client_ip(request)
        elif key:
            ident = hash_key(key)
        else:
            continue
        window = int(now // rule.period)
        name = f"imbrace:rl:{action}:{rule.scope}:{rule.count}/{rule.period}:{window}:{ident}"
        retry_after = max(1, int((window + 1) * rule.period - now) + 1)
        buckets.append((rule, name, retry_after))
    return buckets


def _count(name: str, period: int, increment: bool) -> int:
    cache = caches[conf.CACHE_ALIAS]
    if not increment:
        return int(cache.get(name, 0))
    cache.add(name, 0, timeout=period + 1)
    try:
        return int(cache.incr(name))
    except ValueError:  # evicted between add and incr
        cache.set(name, 1, timeout=period + 1)
        return 1


def blocked(request: HttpRequest, action: str, key: str | None = None) -> int | None:
    """Seconds to wait when a limit of ``action`` is already used up, else ``None``."""
    waits = [
        retry
        for rule, name, retry in _buckets(request, action, key)
        if _count(name, rule.period, increment=False) >= rule.count
    ]
    return max(waits) if waits else None


def record(request: HttpRequest, action: str, key: str | None = None) -> None:
    """Count one event (a failure) against every rule of ``action``."""
    for rule, name, _retry in _buckets(request, action, key):
        _count(name, rule.period, increment=True)
