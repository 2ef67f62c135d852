"""Counting attempts in the cache, for limits our own forms set (allauth has its own)."""

import hashlib

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
    """The client's address; behind a proxy, gunicorn's forwarded_allow_ips sets REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR", "")
