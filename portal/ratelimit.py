"""A small fixed-window rate limiter on Django's cache (login, token endpoints)."""

import time
from dataclasses import dataclass

from django.core.cache import cache


def client_ip(request):
    """The client address as seen by the portal (nginx sets X-Real-IP)."""
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per `window_s` seconds per key."""

    name: str
    limit: int
    window_s: int

    def _key(self, key):
        window = int(time.time() // self.window_s)
        return f"ratelimit:{self.name}:{key}:{window}"

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
