"""Parts of a signed-in person's page that are the same for everyone, built once.

A signed-in person's page is never cached whole (it carries their name, their menu
and their own data), but some parts of it are the same for everyone who asks for the
same address: the directory's list of networks, for instance. `shared_part` keeps
such a part under the versions of the scopes it shows, as the page cache keeps a
page, so a write that would change a cached page changes these parts too, and no
part lives longer than a cached page does. A part must hold nothing about the
person who asked (no "you", no CSRF token).
"""

import hashlib
from collections.abc import Callable

from django.http import HttpRequest

from . import pagecache


def shared_part[T](request: HttpRequest, name: str, build: Callable[[], T], *scopes: str) -> T:
    """The part `name` of the page at the request's address, from the cache or `build`,
    kept while the scopes it shows are unchanged (core.pagecache)."""
    if not scopes:
        raise TypeError("shared_part needs the scopes the part shows.")
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(f"{name}\n{address}".encode()).hexdigest()
    return pagecache.kept(f"pagecache:part:{digest}", scopes, build)
