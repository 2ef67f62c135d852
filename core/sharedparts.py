"""Parts of a signed-in person's page that are the same for everyone, built once.

A signed-in person's page is never cached whole (it carries their name, their menu
and their own data), but some parts of it are the same for everyone who asks for the
same address: the directory's list of networks, for instance. `shared_part` keeps
such a part under the page cache's version, so a write that would change a cached
page changes these parts too, and no part lives longer than a cached page does. A
part must hold nothing about the person who asked (no "you", no CSRF token).
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest

from . import pagecache


def shared_part[T](request: HttpRequest, name: str, build: Callable[[], T]) -> T:
    """The part `name` of the page at the request's address, from the cache or `build`."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(f"{name}\n{address}".encode()).hexdigest()
    key = f"pagecache:part:{pagecache._version()}:{digest}"
    part = cache.get(key)
    if part is None:
        part = build()
        cache.set(key, part, pagecache.PAGE_SECONDS)
    return part
