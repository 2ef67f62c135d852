"""Whole pages cached for visitors without a session and for calendar apps.

Most requests to a public page come from people who are not signed in and
from calendar apps polling feeds; all of them see the same bytes for the same
address. `cached_for_visitors` keeps those bytes in the cache at a key made
from the full address alone (scheme, host, path and query).

Scopes say what a page shows. A view names its scopes when it is decorated,
filled from its URL's arguments ("network:{slug}" for a network's pages, "meetings"
for the pages that list meetings across networks); every page also depends
on the site scope. Each scope has a version in the cache, random, replaced when
data in the scope changes. A cached page records the versions it was built
under, so a hit is one round trip: the page and its scopes' current versions
in one `get_many`. A version that differs, or one that is missing (evicted, or
never set: it gets a fresh one), is a miss and the page is built again. `kept()`
keeps a part of a page the same way (core.sharedparts: parts of signed-in pages
that are the same for everyone); `kept_where_found()` keeps one whose scopes are known
only from data (a person's /me/ shows their networks').

Which scopes a write changes is said once, by the model written: a watched
model's `page_scopes()` names them (a meeting: its network's and "meetings").
Every save, delete and many-to-many change of a watched model replaces those
versions, now and again once its transaction commits. A watched model that
names no scopes (or whose scopes cannot be worked out, say during a cascade)
replaces the site scope's version, which every page depends on: forgetting to
name them costs speed, never correctness. Writes that send no model signals
(bulk inserts, queryset updates of what pages show) call `invalidate()` with
the scopes they change.

Which models' writes count is declared where the apps are wired together
(settings PAGE_CACHE_APPS and PAGE_CACHE_UNSHOWN_MODELS): this floor names no
app above it. The signals are connected for those models only, so every other
model keeps Django's fast delete (one DELETE, no row-by-row signals).

A hit is served by VisitorPageMiddleware, which finds the view's scopes from its URL
and answers before the session, CSRF, authentication and message middleware, none of
which changes a visitor's kept page; a miss goes on to the view, which builds and keeps
the page with the same lookup.

Pages also depend on the time (the next meetings, this year's workhubs), so an
entry lives at most PAGE_SECONDS. Never cached: anyone with a session or a
message waiting, anything but GET, any response but 200, a response that sets
a cookie, and a page that used the CSRF token (it belongs to one visitor).
"""

import functools
import gzip
import hashlib
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

SITE = "site"
PAGE_SECONDS = 5 * 60
KEPT_HEADERS = ("Content-Disposition", "ETag", "Last-Modified", "Cache-Control")
# A page this large is kept compressed: a calendar feed of thousands of events is
# megabytes, a tenth of it gzipped, and moving it out of the cache and over the wire
# was most of a hit's time; an HTML page of 12 KB is 3 KB gzipped, compressed once
# when it is built and then moved a quarter the size on every hit. Browsers and
# calendar apps all accept gzip; the few clients that do not get it decompressed.
# Under 4 KB (an error page, a short answer) the gain is too small to bother.
GZIP_FROM_BYTES = 4 * 1024
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


# A version outlives every page and part kept under it, and then goes: a scope named
# from an address that does not exist must not stay in the cache for ever. A version
# gone is only a miss (a page built again under a new one).
VERSION_SECONDS = 24 * 60 * 60


def _version_key(scope: str) -> str:
    # Hashed: a scope can hold a secret (a personal feed's token) or a visitor's input.
    return f"pagecache:version:{hashlib.sha256(scope.encode()).hexdigest()}"


def _new_versions(keys: Iterable[str]) -> None:
    # Random, not a counter: if a key is ever evicted, no old page comes back.
    cache.set_many({key: uuid.uuid4().hex for key in keys}, VERSION_SECONDS)


def invalidate(*scopes: str) -> None:
    """Forget the pages that show these scopes, now and again when the transaction commits."""
    if not scopes:
        raise TypeError("invalidate() needs the scopes that changed (SITE for every page).")
    keys = {_version_key(scope) for scope in scopes}
    # Now, so this request and this transaction never read an older page; on
    # commit, because a request that ran in between may have cached the data
    # as it stood before the commit under the version set now.
    _new_versions(keys)
    transaction.on_commit(functools.partial(_new_versions, keys))


def scopes_of(instance) -> list[str]:
    """The scopes a write to this object changes: those it names, else the whole site."""
    page_scopes = getattr(instance, "page_scopes", None)
    if page_scopes is None:
        return [SITE]
    try:
        return list(page_scopes()) or [SITE]
    except ObjectDoesNotExist:  # a relation already gone (a cascade): assume everything
        return [SITE]


def _is_visitor_request(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    )


def _is_shareable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.session.modified
        and not getattr(getattr(request, "_messages", None), "added_new", False)
    )


def _page_key(request: HttpRequest) -> str:
    # The whole address, scheme and host too: a page that builds a link from the
    # request (a feed, a redirect) differs by host, and one request naming another
    # allowed host must not decide what every visitor gets. Our pages build absolute
    # links from SITE_URL; this keeps a page that forgets it from spreading.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pagecache:page:{hashlib.sha256(address.encode()).hexdigest()}"


def _stored(response: HttpResponse, versions: tuple[str, ...]) -> dict:
    content = response.content
    gzipped = len(content) >= GZIP_FROM_BYTES
    return {
        "versions": versions,
        # mtime=0: the same page compresses to the same bytes.
        "content": gzip.compress(content, mtime=0) if gzipped else content,
        "gzipped": gzipped,
        "content_type": response["Content-Type"],
        "headers": {name: response[name] for name in KEPT_HEADERS if name in response},
        "last_modified": parse_http_date_safe(response.get("Last-Modified", "")),
    }


def _from_stored(request: HttpRequest, stored: dict) -> HttpResponse:
    content, headers = stored["content"], stored["headers"]
    gzipped = stored["gzipped"]
    if gzipped and not ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        content, gzipped = gzip.decompress(content), False
    response = HttpResponse(content, content_type=stored["content_type"])
    for name, value in headers.items():
        response.headers[name] = value
    if stored["gzipped"]:
        response.headers["Vary"] = "Accept-Encoding"
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
        etag = headers.get("ETag")
        if etag and not etag.startswith("W/"):
            # Other bytes than the page's own: the tag says only "the same content".
            response.headers["ETag"] = f"W/{etag}"
    # A calendar app asking "changed since?" still gets its 304.
    meta = request.META
    if any(name in meta for name in CONDITIONAL_HEADERS):
        return get_conditional_response(
            request,
            etag=headers.get("ETag"),
            last_modified=stored["last_modified"],
            response=response,
        )
    return response


def _current_versions(keys: list[str], versions: tuple) -> tuple[tuple[str, ...], list[str]]:
    """The versions, with a new one set for each the cache lacks (evicted, or never
    set), and the keys this call set. Read before the page is built: a write while it
    is built leaves it stale."""
    current, added = [], []
    for key, version in zip(keys, versions, strict=True):
        if version is None:
            version = uuid.uuid4().hex
            if cache.add(key, version, VERSION_SECONDS):
                added.append(key)
            else:  # another request set it first
                version = cache.get(key)
        current.append(version)
    return tuple(current), added


def kept[T](
    key: str,
    scopes: Iterable[str],
    build: Callable[[], T],
    *,
    fresh: Callable[[T], bool] | None = None,
) -> T:
    """The value kept at `key` while these scopes (and the site's) are unchanged, else
    `build()` kept anew: one cache round trip when it is there. `fresh`: whether a kept
    value still holds with no write at all (one that shows the next meeting does not
    once that meeting has ended); one that does not is built again."""
    return kept_together({key: build}, scopes, fresh=fresh)[key]


def kept_together(
    builds: dict[str, Callable[[], Any]],
    scopes: Iterable[str],
    *,
    fresh: Callable[[Any], bool] | None = None,
) -> dict[str, Any]:
    """kept() for several values under the same scopes, in one cache round trip when
    they are all there; those missing are built in the order given."""
    found, versions = look_up_together(builds, scopes)
    values = {key: value for key, value in found.items() if fresh is None or fresh(value)}
    missing = [key for key in builds if key not in values]
    if missing:
        built = {key: builds[key]() for key in missing}
        cache.set_many({key: (versions, value) for key, value in built.items()}, PAGE_SECONDS)
        values.update(built)
    return values


def look_up(key: str, scopes: Iterable[str]) -> tuple[Any | None, tuple[str, ...]]:
    """The value `keep()` kept at `key`, if these scopes (and the site's) are unchanged
    since, else None; and the scopes' current versions, to keep a value built now under.
    For a value that may not be kept for everyone who asks (kept() keeps whatever it
    builds): the caller decides, once it is built, whether to `keep()` it. One round trip."""
    found, versions = look_up_together([key], scopes)
    return found.get(key), versions


def look_up_together(
    keys: Iterable[str], scopes: Iterable[str]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """look_up() for several values kept under the same scopes, in one round trip: those
    found unchanged, by key, and the versions to keep the others under."""
    keys = list(keys)
    version_keys = [_version_key(SITE), *map(_version_key, scopes)]
    found = cache.get_many([*keys, *version_keys])
    versions = tuple(found.get(version_key) for version_key in version_keys)
    values = {
        key: stored[1]
        for key in keys
        if (stored := found.get(key)) is not None and stored[0] == versions
    }
    if len(values) < len(keys):
        # Read before what it covers is: a write while a value is built leaves it stale.
        versions, _ = _current_versions(version_keys, versions)
    return values, versions


def keep(key: str, versions: tuple[str, ...], value: Any) -> None:
    """Keep a value built after `look_up()` gave these versions."""
    cache.set(key, (versions, value), PAGE_SECONDS)


def kept_where_found[F, T](
    key: str,
    scopes: Iterable[str],
    find: Callable[[], tuple[F, Iterable[str]]],
    build: Callable[[F], T],
) -> T:
    """Like `kept()`, for a value whose scopes are known only from data: a person's page
    shows their networks'. `find()` reads what names those scopes (a write to it changes
    one of `scopes`) and returns it with the scopes found; `build(found)` makes the value.
    Two cache round trips when it is there."""
    fixed = (SITE, *scopes)
    fixed_keys = [_version_key(scope) for scope in fixed]
    found = cache.get_many([key, *fixed_keys])
    fixed_versions = tuple(found.get(version_key) for version_key in fixed_keys)
    stored = found.get(key)
    if stored is not None and stored["fixed"] == (fixed, fixed_versions):
        found_keys = [_version_key(scope) for scope in stored["found"]]
        current = cache.get_many(found_keys)
        if tuple(current.get(version_key) for version_key in found_keys) == stored["versions"]:
            return stored["value"]
    # Each version read before what it covers: a write while this builds leaves it stale.
    fixed_versions, _ = _current_versions(fixed_keys, fixed_versions)
    data, found_scopes = find()
    found_scopes = tuple(sorted(set(found_scopes) - set(fixed)))
    found_keys = [_version_key(scope) for scope in found_scopes]
    current = cache.get_many(found_keys)
    found_versions, _ = _current_versions(
        found_keys, tuple(current.get(version_key) for version_key in found_keys)
    )
    value = build(data)
    stored = {
        "fixed": (fixed, fixed_versions),
        "found": found_scopes,
        "versions": found_versions,
        "value": value,
    }
    cache.set(key, stored, PAGE_SECONDS)
    return value


def version(*scopes: str) -> str:
    """The current versions of these scopes and the site's, as one string: the key of a
    cached part of a page that shows them (networks.page, a network's sections). Read it
    before reading anything the part shows, as a page does."""
    keys = [_version_key(SITE), *map(_version_key, scopes)]
    found = cache.get_many(keys)
    versions, _ = _current_versions(keys, tuple(found.get(key) for key in keys))
    return ":".join(versions)


def cached_for_visitors(*scopes: str) -> Callable:
    """Serve the view's page from the cache to visitors without a session.

    The scopes are what the page shows, filled from the view's URL arguments:
    `@cached_for_visitors("network:{slug}")`. VisitorPageMiddleware serves the hits
    before the middleware a visitor's page does not need; the view builds and keeps
    the page on a miss (and serves hits itself where that middleware is not in use)."""
    if not scopes or not all(isinstance(scope, str) for scope in scopes):
        raise TypeError("cached_for_visitors needs the scopes the page shows, as strings.")

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _is_visitor_request(request):
                return view(request, *args, **kwargs)
            page_key, version_keys, found = _looked_up(request, scopes, kwargs)
            versions = tuple(found.get(key) for key in version_keys)
            stored = found.get(page_key)
            if stored is not None and stored["versions"] == versions:
                return _from_stored(request, stored)
            versions, added = _current_versions(version_keys, versions)
            kept_page = False
            try:
                response = view(request, *args, **kwargs)
                if _is_shareable(request, response):
                    cache.set(page_key, _stored(response, versions), PAGE_SECONDS)
                    kept_page = True
                return response
            finally:
                if added and not kept_page:
                    # Nothing kept (a 404 too): an address that does not exist leaves no
                    # version behind. A missing version is only ever a miss: safe to remove.
                    cache.delete_many(added)

        wrapper.visitor_page_scopes = scopes  # type: ignore[attr-defined]
        return wrapper

    return decorator


def _looked_up(request: HttpRequest, scopes: tuple[str, ...], kwargs: dict):
    """The page's key, its scopes' version keys and what the cache holds of them: one
    round trip, made once a request (VisitorPageMiddleware may have made it)."""
    looked_up = getattr(request, "_visitor_page_lookup", None)
    if looked_up is None:
        page_key = _page_key(request)
        # Each scope filled in from the request's URL arguments, then made a key.
        version_keys = [_version_key(SITE), *(_version_key(s.format_map(kwargs)) for s in scopes)]
        found = cache.get_many([page_key, *version_keys])
        looked_up = request._visitor_page_lookup = (page_key, version_keys, found)
    return looked_up


@functools.lru_cache(maxsize=2048)
def _visitor_page_of(urlconf: str, path: str) -> tuple[tuple[str, ...], dict] | None:
    """The scopes and URL arguments of a page kept for visitors at this path, or None."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    scopes = getattr(match.func, "visitor_page_scopes", None)
    return (scopes, match.kwargs) if scopes else None


class VisitorPageMiddleware:
    """Serves a page kept for visitors (cached_for_visitors) before the middleware it
    does not need: sessions, CSRF, authentication, messages. A visitor has no session
    and no message waiting, and a kept page used no CSRF token, so none of them would
    change the answer; the headers of the middleware above it (security, CSP, framing)
    are added as for any page. On a miss the view builds the page, reusing this lookup."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_visitor_request(request):
            page = _visitor_page_of(get_urlconf() or settings.ROOT_URLCONF, request.path_info)
            if page is not None:
                scopes, kwargs = page
                page_key, version_keys, found = _looked_up(request, scopes, kwargs)
                stored = found.get(page_key)
                if stored is not None and stored["versions"] == tuple(
                    found.get(key) for key in version_keys
                ):
                    response = _from_stored(request, stored)
                    response.headers["Content-Length"] = str(len(response.content))
                    return response
        return self.get_response(request)


def watched_models() -> list[type]:
    """The models whose writes change what a cached page may show."""
    unshown = {label.lower() for label in settings.PAGE_CACHE_UNSHOWN_MODELS}
    return [
        model
        for app_label in settings.PAGE_CACHE_APPS
        for model in apps.get_app_config(app_label).get_models()
        if model._meta.label_lower not in unshown
    ]


def _on_save(sender, instance, update_fields=None, **kwargs) -> None:
    # Signing in writes last_login, which no page shows.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    invalidate(*scopes_of(instance))


def _on_delete(sender, instance, **kwargs) -> None:
    invalidate(*scopes_of(instance))


def _on_m2m_change(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        changed = [instance]
    elif pk_set is not None:  # from the other side (an area's networks.add(...))
        changed = list(model._default_manager.filter(pk__in=pk_set))
    else:  # the other side's clear(): which ones is no longer known
        changed = [None]
    invalidate(*{scope for obj in changed for scope in scopes_of(obj)})


def connect_signals() -> None:
    """Called once from CoreConfig.ready: each watched model, and its many-to-many tables."""
    for model in watched_models():
        label = model._meta.label_lower
        post_save.connect(_on_save, sender=model, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"pagecache-delete-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _on_m2m_change,
                sender=through,
                dispatch_uid=f"pagecache-m2m-{through._meta.label_lower}",
            )
