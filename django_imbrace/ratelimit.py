"""Rate limits in the ``"20/m/ip,3/m/key"`` grammar, counted in Django's cache.

A rule is ``COUNT/PERIOD/SCOPE``: ``PERIOD`` is ``s``, ``m``, ``h`` or ``d`` with an
optional multiplier (``5m``); ``SCOPE`` is ``ip`` (the client address) or ``key`` (the
e-mail address, lower-cased and HMAC'd with ``SECRET_KEY``: no address is ever stored
in the cache, nor a plain hash that a list of addresses would reverse).
Counters are fixed windows aligned to the epoch in ``IMBRACE_CACHE_ALIAS``; a burst
that straddles a window boundary can reach twice a limit, never more. The limits come
from ``IMBRACE_RATE_LIMITS`` (``{}`` turns them off).

Reserve, then give back: :func:`reserve` takes a slot in every bucket of an action
*before* the gateway is called, with one atomic ``cache.incr`` per bucket (atomic under
LocMemCache's lock and natively in Redis and Memcached, so across threads and
processes). A request that takes a bucket past its count is refused, and its slots are
given back at once. Parallel requests therefore never get more gateway calls than a
limit allows. After the call the step decides: code requests keep their slot unless the
gateway was unreachable; sign-ins keep it only when refused (a wrong code or password)
and give it back on success, outage or the gateway's own "slow down" (:meth:`Slot.release`
is a ``decr``, so a success never resets a counter: it only un-counts itself).
:func:`blocked` is a read-only peek, for refusing early; :func:`reserve` decides.

:func:`reserve_counter` applies the same rule to a single counter of its own (the wrong
codes of one issued code, keyed by the flow id).
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import time
from dataclasses import dataclass, field

from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from .conf import conf

REQUEST_CODE = "request_code"
LOGIN_FAILED = "login_failed"
#: The actions ``IMBRACE_RATE_LIMITS`` may name.
ACTIONS = (REQUEST_CODE, LOGIN_FAILED)
#: The ``salted_hmac`` salt of :func:`hash_key`.
KEY_SALT = "django_imbrace.ratelimit"

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
    """The cache-safe form of an e-mail address: lower-cased, stripped, and HMAC'd with
    ``SECRET_KEY`` (a plain hash would be reversed by hashing a list of addresses)."""
    return salted_hmac(KEY_SALT, value.strip().lower(), algorithm="sha256").hexdigest()[:40]


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


def _cache() -> BaseCache:
    return caches[conf.CACHE_ALIAS]


def _incr(cache: BaseCache, name: str, timeout: int) -> int:
    """Add one to ``name`` (created at 0 for ``timeout`` seconds) and return the new value.

    Atomic in LocMemCache (per process), Redis and Memcached. The database and file-based
    caches read then write (check ``W002``); the dummy cache counts nothing (``E011``).
    """
    cache.add(name, 0, timeout=timeout)
    try:
        return int(cache.incr(name))
    except ValueError:  # expired or evicted between add and incr
        if cache.add(name, 1, timeout=timeout):
            return 1
        return int(cache.incr(name))


def _decr(cache: BaseCache, name: str) -> None:
    with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to give back
        cache.decr(name)


@dataclass
class Slot:
    """Slots taken by :func:`reserve` (or :func:`reserve_counter`) in some counters.

    ``retry_after`` is set when the reservation was refused; the slots were then already
    given back. :meth:`release` gives a granted slot back (once; later calls do nothing).
    """

    names: list[str] = field(default_factory=list)
    retry_after: int | None = None
    value: int = 0  # reserve_counter: the counter's value with this slot taken

    @property
    def refused(self) -> bool:
        return self.retry_after is not None

    def release(self) -> None:
        """Give the slots back: this event does not count after all."""
        names, self.names = self.names, []
        cache = _cache()
        for name in names:
            _decr(cache, name)


def blocked(request: HttpRequest, action: str, key: str | None = None) -> int | None:
    """Seconds to wait when a limit of ``action`` is already used up, else ``None``.

    A read-only peek (for refusing before any work): only :func:`reserve` is exact.
    """
    cache = _cache()
    waits = [
        retry
        for rule, name, retry in _buckets(request, action, key)
        if int(cache.get(name, 0)) >= rule.count
    ]
    return max(waits) if waits else None


def reserve(request: HttpRequest, action: str, key: str | None = None) -> Slot:
    """Take one slot in every bucket of ``action``, before the gateway is called.

    Refused (``slot.refused``, ``slot.retry_after`` seconds) when any bucket would go
    past its count; every slot taken is then given back. Otherwise the event counts
    until the caller calls :meth:`Slot.release`.
    """
    cache = _cache()
    taken: list[str] = []
    waits: list[int] = []
    for rule, name, retry in _buckets(request, action, key):
        taken.append(name)
        if _incr(cache, name, rule.period + 1) > rule.count:
            waits.append(retry)
    slot = Slot(names=taken)
    if waits:
        slot.release()
        slot.retry_after = max(waits)
    return slot


def reserve_counter(name: str, limit: int, timeout: int) -> Slot:
    """Take one of ``limit`` slots of the counter ``name`` (kept ``timeout`` seconds).

    Same rule as :func:`reserve`: refused past ``limit`` (``retry_after`` is then the
    counter's lifetime), the slot given back by :meth:`Slot.release`.
    """
    cache = _cache()
    slot = Slot(names=[name], value=_incr(cache, name, timeout))
    if slot.value > limit:
        slot.release()
        slot.retry_after = timeout
    return slot
