"""What a network's page shows that is the same for everyone, kept in the cache.

The network with its areas, purposes and fee scheme, and the page's parts that show it,
rendered once (the facts, "About" and what it is for, this year's workhubs, its
sub-groups and who runs it): the same for every viewer, so kept for each network under
the page cache's versions of the network's scope and the site's (a write to a model the
page shows replaces them: core.pagecache). Nothing about the viewer is in them; the
viewer's own live membership is kept apart, for them alone, under the same versions.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from core import pagecache
from core.dates import academic_year_of
from members.models import User

from . import sections
from .annual_fee import annual_fee
from .models import Membership, Network, network_scope


@dataclass(frozen=True)
class NetworkPage:
    network: Network
    facts: SafeString  # the "At a glance" box
    about: SafeString  # "About" and "What it is for"
    more: SafeString  # workhubs, sub-groups, who runs it


def network_page(
    slug: str, viewer: User | AnonymousUser
) -> tuple[NetworkPage | None, Membership | None]:
    """The page's shared parts (None: no such network) and the viewer's live membership,
    this kept for them under the same versions (a membership's writes name its network's
    scope): one cache round trip, and no query, when both are kept."""
    this_year = academic_year_of()
    found: list[Membership | None] = []
    page_key = f"networks:page:{slug}:{this_year}"
    builds = {page_key: lambda: _build(slug, viewer, this_year, found)}
    seat_key = f"networks:seat:{slug}:{viewer.pk}"
    if viewer.is_authenticated:
        # After the page: built with it, the viewer's membership rides on its query.
        builds[seat_key] = lambda: found[0] if found else _live_membership(viewer, slug)
    kept = pagecache.kept_together(builds, [network_scope(slug)])
    page, own = kept[page_key], kept.get(seat_key)
    if page is not None and own is None and viewer.is_authenticated:
        User.objects.load_posts([viewer])  # what eligibility reads (loaded if just built)
    return (page, own) if page is not None else (None, None)


def _live_membership(viewer: User, slug: str) -> Membership | None:
    """access.membership_of, for the network at this address, with the school the
    membership box names (one query)."""
    return (
        Membership.objects.live()
        .filter(person=viewer, network__slug=slug)
        .select_related("school")
        .first()
    )


def _build(
    slug: str, viewer: User | AnonymousUser, this_year: int, found: list[Membership | None]
) -> NetworkPage | None:
    """The page's shared parts, and the viewer's membership into `found` on the way."""
    network, subgroups = Network.objects.select_related(*sections.related_to_fetch()).page_family(
        slug, this_year
    )
    if network is None:
        return None
    prefetch_related_objects([network], "areas", "purposes")
    memberships = list(
        network.memberships.coordinating_or_of(viewer)
        .select_related("person", "school")
        .defer("person__password")  # the viewer's is kept in the cache: no hashes there
        .order_by("-role", "person__last_name")
    )
    found.append(next((m for m in memberships if viewer.pk and m.person_id == viewer.pk), None))
    coordinators = [m for m in memberships if m.can_coordinate]
    # The viewer's posts (what eligibility reads) with the coordinators', in one query.
    people = [membership.person for membership in coordinators]
    User.objects.load_posts([viewer, *people] if viewer.is_authenticated else people)
    context = {
        "network": network,
        "annual_fee": annual_fee(network),
        "subgroups": subgroups,
        "coordinators": coordinators,
        "workhubs": list(network.workhubs.filter(academic_year__gte=this_year - 1)),
        "past_workhub_count": network.past_workhub_count,
    }
    return NetworkPage(
        network=network,
        facts=render_to_string("networks/_network_facts.html", context),
        about=render_to_string("networks/_network_about.html", context),
        more=render_to_string("networks/_network_more.html", context),
    )
