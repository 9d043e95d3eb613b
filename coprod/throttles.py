"""Counting wrong guesses of secrets in the shared cache, so nothing can be guessed.

Each `Limit` allows `amount` failures per key within `seconds` of the first
one; after that the key is blocked until that window ends. Only failures are
counted, so a person who gets it right is never slowed down. The counters
live in Django's default cache: Redis in production (shared by every web
process, as allauth's own rate limits are), local memory otherwise.

Anything that must outlive a cache flush (an invitation locked after too many
wrong codes, voucher code reveals) is kept in the database instead.
"""

import hashlib
import ipaddress
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.http import HttpRequest

# An IPv6 user is given a whole /64 by their provider, so count per /64 (as allauth does).
IPV6_PREFIX = 64


@dataclass(frozen=True)
class Limit:
    """At most `amount` failures per key within `seconds`."""

    name: str
    amount: int
    seconds: int

    def _cache_key(self, key: str) -> str:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return f"coprod:throttle:{self.name}:{digest}"

    def failures(self, key: str) -> int:
        """Return the failures counted against `key` in the current window."""
        return cache.get(self._cache_key(key), 0)

    def is_blocked(self, key: str) -> bool:
        """Whether `key` has used up its failures for now."""
        return self.failures(key) >= self.amount

    def fail(self, key: str) -> int:
        """Count one failure against `key`; return the count in this window.

        The window starts at the first failure (add is atomic in Redis and in
        local memory, and incr keeps the expiry), so a key cannot be kept
        alive by failing slowly.
        """
        cache_key = self._cache_key(key)
        for _ in range(2):
            cache.add(cache_key, 0, timeout=self.seconds)
            try:
                return cache.incr(cache_key)
            except ValueError:  # expired between add and incr: start again
                continue
        return self.amount

    def clear(self, key: str) -> None:
        """Forget the failures of `key` (for example once a new code is issued)."""
        cache.delete(self._cache_key(key))


def client_ip(request: HttpRequest) -> str:
    """The client's address, as allauth sees it (ALLAUTH_TRUSTED_PROXY_COUNT applies)."""
    ip = get_adapter().get_client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.IPv6Network(f"{address}/{IPV6_PREFIX}", strict=False))
    return ip


def client_session(request: HttpRequest) -> str:
    """A key for this browser's session, made if it has none yet."""
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""
