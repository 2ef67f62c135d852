"""Counting attempts in the cache, for limits our own forms set (allauth has its own)."""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache


def is_limited(scope: str, key: str, *, limit: int, period_seconds: int) -> bool:
    """Count one attempt for the key; True once more than `limit` fall in the period."""
    # Keys can be anything a person typed; a digest is a valid key for every backend.
    cache_key = f"ratelimit:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"
    # add() only sets a missing key, so the period starts at the first attempt.
    cache.add(cache_key, 0, timeout=period_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period_seconds)
        count = 1
    return count > limit


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the one our TRUSTED_PROXY_COUNT proxies saw."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        # Anyone can send X-Forwarded-For; without a proxy it is not evidence.
        return remote
    # Each trusted proxy appends the address it was reached from, so the client
    # is `count` entries from the right; anything further left is the client's say.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < count:
        return remote  # reached without the proxies (a health probe, say)
    candidate = forwarded[-count].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
