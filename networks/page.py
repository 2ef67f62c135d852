"""What a network's page shows that is the same for everyone, kept in the cache.

The network with its areas, purposes and fee scheme, its sub-groups, who runs it (with
the posts their names show), this year's workhubs and the fee in words: the same for
every viewer, so kept for each network under the page cache's versions of the
network's scope and the site's (a write to a model the page shows replaces one:
core.pagecache). Who the viewer is, and their own membership, is never kept here.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import prefetch_related_objects

from core import pagecache
from core.dates import academic_year_of
from members.models import User

from . import access, sections
from .annual_fee import annual_fee
from .models import Membership, Network, Workhub


@dataclass(frozen=True)
class NetworkPage:
    network: Network
    subgroups: list[Network]
    coordinators: list[Membership]
    workhubs: list[Workhub]
    annual_fee: str


def network_page(
    slug: str, viewer: User | AnonymousUser, version: str
) -> tuple[NetworkPage | None, Membership | None]:
    """The page's shared parts (None: no such network) and the viewer's live membership.

    `version`: pagecache.version() of the network's scope, read before anything the
    page shows, so that parts read before a write commits are never kept under the
    version that follows it. Kept: one query (the viewer's membership). Not kept: the
    queries below, the viewer's membership riding on the coordinators'."""
    this_year = academic_year_of()
    key = f"networks:page:{version}:{slug}:{this_year}"
    page = cache.get(key)
    if page is not None:
        own = access.membership_of(viewer, page.network)
        if own is None and viewer.is_authenticated:
            User.objects.load_posts([viewer])  # what eligibility reads
        return page, own
    network, subgroups = Network.objects.select_related(*sections.related_to_fetch()).page_family(
        slug, this_year
    )
    if network is None:
        return None, None
    prefetch_related_objects([network], "areas", "purposes")
    memberships = list(
        network.memberships.coordinating_or_of(viewer)
        .select_related("person")
        .defer("person__password")  # kept in the cache: no hashes there
        .order_by("-role", "person__last_name")
    )
    own = next((m for m in memberships if viewer.pk and m.person_id == viewer.pk), None)
    coordinators = [m for m in memberships if m.can_coordinate]
    # The viewer's posts (what eligibility reads) with the coordinators', in one query.
    people = [membership.person for membership in coordinators]
    User.objects.load_posts([viewer, *people] if viewer.is_authenticated else people)
    page = NetworkPage(
        network=network,
        subgroups=subgroups,
        coordinators=coordinators,
        workhubs=list(network.workhubs.filter(academic_year__gte=this_year - 1)),
        annual_fee=annual_fee(network),
    )
    cache.set(key, page, pagecache.PAGE_SECONDS)
    return page, own
