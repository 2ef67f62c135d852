"""Demo leaders (docs/product.md, "The networks it is built for"): the rosters Essex keeps,
listed in the directory.

Called by seed_demo (devdata.demo) with Essex heads it made. Idempotent.
"""

from django.db import transaction

from leaders import services
from leaders.models import Listing
from members.models import Designation, User
from networks.models import Network

Kind, Availability = Designation.Kind, Listing.Availability

# One leader each: what they are, how available, and what they say.
ESSEX_ROSTER = [
    (Kind.ADVISORY_HEAD, Availability.LIMITED, "One day a week; primary schools."),
    (Kind.EXECUTIVE_HEAD, Availability.LIMITED, "Can take a second school from September."),
    (Kind.INTERIM_HEAD, Availability.AVAILABLE, "Available now for a term or more."),
    (Kind.LOCAL_LEADER, Availability.AVAILABLE, "Support for schools after inspection."),
    (Kind.LOCAL_LEADER, Availability.UNAVAILABLE, ""),
    (Kind.NATIONAL_LEADER, Availability.LIMITED, "Trust-wide reviews and coaching of heads."),
]


@transaction.atomic
def seed_leaders(leaders: list[User], network: Network, log=print) -> None:
    """Give each Essex leader a designation confirmed by the network's administrator, and
    list them."""
    administrator = (
        network.memberships.active().filter(role="administrator").select_related("person")
    ).first()
    confirmer = administrator.person if administrator else None
    for person, (kind, availability, note) in zip(leaders, ESSEX_ROSTER, strict=False):
        designation = Designation.objects.filter(person=person, kind=kind).first()
        if designation is None:
            designation = services.claim_designation(
                person=person, kind=kind, evidence="On the local authority's roster."
            )
        if not designation.is_confirmed and confirmer is not None:
            services.confirm_designation(designation=designation, by=confirmer)
        if not Listing.objects.filter(person=person).exists():
            services.list_person(person=person, availability=availability, note=note)
    log(f"Demo leaders: {len(leaders)} Essex leaders listed")
