"""Sections that apps above networks add to a network's page (its meetings, its articles).

networks cannot import those apps: they stand on it. Instead each registers a
provider when Django starts (in its AppConfig.ready), and the network page asks
every provider for its section. A provider takes the request and the viewer's
NetworkAccess and returns a Section, or None to show nothing.

A provider registered as shared promises that its section depends only on the network
and the viewer's role in it (visitor, signed in, member, coordinator, administrator,
site staff), never on who they are. Shared sections are kept in the cache, rendered,
for each network and role, under the page cache's versions of the network's scope and
the site's: a write to a model the page shows replaces them (core.pagecache), so a
kept section is never older than the last change. The apps whose sections are shared
are therefore in PAGE_CACHE_APPS, and their models name the network's scope.
To hold them to the promise, shared providers get no request and a stand-in for the
viewer's membership that carries only its role and status, and their templates are
rendered with their data alone (no request, no viewer, no CSRF token).
"""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from core import pagecache

from .models import Membership, network_scope


@dataclass(frozen=True)
class Section:
    """A template to include on the network page, with its own context (`section.data`)."""

    template: str
    data: dict = field(default_factory=dict)
    order: int = 50
    # When the section may change with no write at all (its first meeting ends): a kept
    # copy is not used from then on.
    until: datetime.datetime | None = None


@dataclass(frozen=True)
class _Rendered:
    """The shared sections of one network for one role, rendered: (order, place among
    the providers, HTML) each, and when the first of them may change with no write."""

    sections: list[tuple[int, int, str]]
    until: datetime.datetime | None


_providers: list[Callable] = []
_shared: set[Callable] = set()


def register(provider: Callable, *, shared: bool = False) -> Callable:
    """Add a provider; registering the same one twice adds it once. `shared`: its section
    is the same for everyone with the same role in the network (kept in the cache)."""
    if provider not in _providers:
        _providers.append(provider)
    if shared:
        _shared.add(provider)
    return provider


def sections_for(request, perms) -> SafeString:
    """Every registered app's section for this page, rendered, in their order: the shared
    ones kept for the viewer's role, the others (the viewer's own) rendered now."""
    rendered = list(_shared_sections(perms).sections)
    for place, provider in enumerate(_providers):
        if provider not in _shared and (section := provider(request, perms)):
            html = render_to_string(section.template, {"data": section.data}, request)
            rendered.append((section.order, place, html))
    rendered.sort(key=lambda row: row[:2])
    return mark_safe("".join(html for _, _, html in rendered))  # noqa: S308  (templates' output)


def _role_of(perms) -> str:
    """The viewer's role in the network, as a part of a cache key."""
    membership = perms.membership
    held = f"{membership.status}-{membership.role}" if membership else "none"
    return f"{int(perms.is_signed_in)}-{int(perms.is_site_staff)}-{held}"


def _name(provider: Callable) -> str:
    return f"{provider.__module__}.{provider.__qualname__}"


def _shared_sections(perms) -> _Rendered:
    """The shared providers' sections for the viewer's role, rendered (kept ones only
    while they are those of the providers registered now, and until the first of them
    may change)."""
    now = timezone.now()
    network = perms.network
    names = ",".join(sorted(_name(provider) for provider in _shared))
    providers = hashlib.sha256(names.encode()).hexdigest()[:16]
    key = (
        f"networks:sections:{network.pk}:{timezone.localdate(now).isoformat()}:"
        f"{_role_of(perms)}:{providers}"
    )
    return pagecache.kept(
        key,
        [network_scope(network.slug)],
        lambda: _render_shared(perms),
        fresh=lambda kept: kept.until is None or now < kept.until,
    )


def _render_shared(perms) -> _Rendered:
    membership = perms.membership
    role_only = replace(
        perms,
        membership=Membership(network=perms.network, status=membership.status, role=membership.role)
        if membership
        else None,
    )
    rendered, ends = [], []
    for place, provider in enumerate(_providers):
        if provider in _shared and (section := provider(None, role_only)):
            html = render_to_string(section.template, {"data": section.data})
            rendered.append((section.order, place, html))
            if section.until:
                ends.append(section.until)
    return _Rendered(rendered, min(ends, default=None))


# The same for a workhub's page: a provider takes the request, the viewer's NetworkAccess,
# the workhub and the ids of its leads (the page has them already).
_workhub_providers: list[Callable] = []


def register_for_workhub(provider: Callable) -> Callable:
    if provider not in _workhub_providers:
        _workhub_providers.append(provider)
    return provider


def workhub_sections_for(request, perms, workhub, lead_ids: set[int]) -> list[Section]:
    sections = [provider(request, perms, workhub, lead_ids) for provider in _workhub_providers]
    return sorted((section for section in sections if section), key=lambda s: s.order)


# One-to-one relations that apps above add to Network (fees: "fee_scheme"), fetched with
# the network on its page in the same query, so that their sections ask nothing more.
_related: list[str] = []


def fetch_with_network(relation: str) -> None:
    if relation not in _related:
        _related.append(relation)


def related_to_fetch() -> list[str]:
    return list(_related)
