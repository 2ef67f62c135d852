"""Whole pages cached for visitors without a session and for calendar apps.

Most requests to a public page come from people who are not signed in and
from calendar apps polling feeds; all of them see the same bytes for the same
address. `cached_for_visitors` keeps those bytes in the cache, keyed by the
full address (scheme, host, path and query) and by one site-wide version. Any
write to one of our models (any save, delete or many-to-many change, once its
transaction commits) replaces the version, so no page served from the cache is
older than the last change to the data. Writes that bypass the model signals
(bulk inserts, queryset updates of what pages show) call `invalidate()` themselves.

Which models' writes count is declared where the apps are wired together
(settings PAGE_CACHE_APPS and PAGE_CACHE_UNSHOWN_MODELS): this floor names no
app above it. The signals are connected for those models only, so every other
model keeps Django's fast delete (one DELETE, no row-by-row signals).

Pages also depend on the time (the next meetings, this year's workhubs), so an
entry lives at most PAGE_SECONDS. Never cached: anyone with a session or a
message waiting, anything but GET, any response but 200, a response that sets
a cookie, and a page that used the CSRF token (it belongs to one visitor).
"""

import functools
import hashlib
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

VERSION_KEY = "pagecache:version"
PAGE_SECONDS = 5 * 60
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "ETag", "Last-Modified", "Cache-Control")


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Random, not a counter: if the key is ever evicted, no old page comes back.
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def version() -> str:
    """The version of everything pages show, for a cache of parts of pages: read it
    before reading what the part shows."""
    return _version()


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def invalidate() -> None:
    """Forget every cached page, now and again when the current transaction commits."""
    # Now, so this request and this transaction never read an older page; on
    # commit, because a request that ran in between may have cached the data
    # as it stood before the commit under the version set now.
    _new_version()
    transaction.on_commit(_new_version)


def _is_visitor_request(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
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


def _key(request: HttpRequest, version: str) -> str:
    # The whole address, scheme and host too: a page that builds a link from the
    # request (a feed, a redirect) differs by host, and one request naming another
    # allowed host must not decide what every visitor gets. Our pages build absolute
    # links from SITE_URL; this keeps a page that forgets it from spreading.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pagecache:{version}:{hashlib.sha256(address.encode()).hexdigest()}"


def _from_stored(request: HttpRequest, stored: dict) -> HttpResponse:
    response = HttpResponse(stored["content"], status=200)
    for header, value in stored["headers"].items():
        response[header] = value
    # A calendar app asking "changed since?" still gets its 304.
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


def cached_for_visitors(view):
    """Serve the view's page from the cache to visitors without a session."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _is_visitor_request(request):
            return view(request, *args, **kwargs)
        key = _key(request, _version())
        stored = cache.get(key)
        if stored is not None:
            return _from_stored(request, stored)
        response = view(request, *args, **kwargs)
        if _is_shareable(request, response):
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            cache.set(key, {"content": response.content, "headers": headers}, PAGE_SECONDS)
        return response

    return wrapper


def watched_models() -> list[type]:
    """The models whose writes change what a cached page may show."""
    unshown = {label.lower() for label in settings.PAGE_CACHE_UNSHOWN_MODELS}
    return [
        model
        for app_label in settings.PAGE_CACHE_APPS
        for model in apps.get_app_config(app_label).get_models()
        if model._meta.label_lower not in unshown
    ]


def _on_save(sender, update_fields=None, **kwargs) -> None:
    # Signing in writes last_login, which no page shows.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    invalidate()


def _on_change(sender, **kwargs) -> None:
    invalidate()


def _on_m2m_change(sender, action, **kwargs) -> None:
    if action.startswith("post_"):
        invalidate()


def connect_signals() -> None:
    """Called once from CoreConfig.ready: each watched model, and its many-to-many tables."""
    for model in watched_models():
        label = model._meta.label_lower
        post_save.connect(_on_save, sender=model, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"pagecache-delete-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _on_m2m_change,
                sender=through,
                dispatch_uid=f"pagecache-m2m-{through._meta.label_lower}",
            )
