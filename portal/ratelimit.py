"""A small rate limiter on Django's cache (login, token endpoints).

Production keeps the counters in Redis (`REDIS_URL`), so every gunicorn
worker and every web container counts the same hits.
"""

import hashlib
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured


def trusted_proxies():
    """`settings.TRUSTED_PROXIES` (addresses or CIDRs) as ip_network objects."""
    try:
        return [
            ipaddress.ip_network(entry, strict=False)
            for entry in settings.TRUSTED_PROXIES
        ]
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from exc


def _parse_address(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request):
    """The client's address: nginx's X-Real-IP when the request came from a
    trusted proxy, the connection's own address (REMOTE_ADDR) otherwise.

    Any client can send an X-Real-IP header of its own; only a proxy listed
    in TRUSTED_PROXIES (which overwrites it with the address it saw) is
    believed.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    remote_address = _parse_address(remote)
    if remote_address is None or not any(
        remote_address in network for network in trusted_proxies()
    ):
        return remote
    forwarded = _parse_address(request.META.get("HTTP_X_REAL_IP", ""))
    return str(forwarded) if forwarded is not None else remote


def limiter_key(*parts):
    """A cache-safe key (sha256 hex) for free text such as a username."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per `window_s` seconds per key.

    A key's window opens at its first hit and closes `window_s` seconds
    later (the counter's cache timeout; incrementing keeps it), so hits
    are never split between two clock-aligned windows.
    """

    name: str
    limit: int
    window_s: int

    def _key(self, key):
        return f"ratelimit:{self.name}:{key}"

    def exceeded(self, key):
        """True when `key` has already used up this window's hits."""
        return cache.get(self._key(key), 0) >= self.limit

    def hit(self, key):
        """Count one hit for `key`; returns the count in this window."""
        cache_key = self._key(key)
        if cache.add(cache_key, 1, timeout=self.window_s):
            return 1
        try:
            return cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=self.window_s)
            return 1
