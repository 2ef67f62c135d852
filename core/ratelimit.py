"""Counting attempts in the cache, for limits our own forms set (allauth has its own)."""

import datetime
import hashlib
import hmac
import ipaddress
import math
import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def _count(cache_key: str, timeout: int) -> int:
    # add() only sets a missing key, so the timeout runs from the first attempt.
    cache.add(cache_key, 0, timeout=timeout)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=timeout)
        return 1


def is_limited(scope: str, key: str, *, limit: int, period_seconds: int) -> bool:
    """Count one attempt for the key; True once more than `limit` fall in the period."""
    # Keys can be anything a person typed; a digest is a valid key for every backend.
    cache_key = f"ratelimit:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"
    return _count(cache_key, period_seconds) > limit


def seconds_until_midnight() -> int:
    """Whole seconds (at least one) until the next local midnight."""
    now = timezone.localtime()
    tomorrow = timezone.make_aware(
        datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time())
    )
    return max(1, math.ceil((tomorrow - now).total_seconds()))


def _salt_of_today(scope: str, timeout: int) -> str:
    salt_key = f"ratelimit:{scope}:salt:{timezone.localdate().isoformat()}"
    # Of two requests making the day's salt at once, add() keeps the first.
    cache.add(salt_key, secrets.token_hex(32), timeout=timeout)
    salt = cache.get(salt_key)
    if salt is None:  # evicted in between: a fresh salt starts the day's counts again
        salt = secrets.token_hex(32)
        cache.set(salt_key, salt, timeout=timeout)
    return salt


def is_limited_today(scope: str, key: str, *, limit: int) -> bool:
    """Count one attempt for the key today; True once more than `limit` fall today.

    For a limit that must say nothing of who or when (anonymous stories). The
    counter's key is a keyed hash of `key` under a salt drawn at random for the
    day, kept only in the cache and forgotten at midnight, so once the day is over
    nobody (with the secret key, the database and the cache) can work out whose
    counter it was. Every counter of the day expires at that same midnight, so its
    expiry says nothing about when the first attempt was made.
    """
    timeout = seconds_until_midnight()
    salt = _salt_of_today(scope, timeout)
    digest = hmac.new(salt.encode(), key.encode(), hashlib.sha256).hexdigest()
    return _count(f"ratelimit:{scope}:today:{digest}", timeout) > limit


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
