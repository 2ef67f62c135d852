"""Who may enter a network's office, and which of its parts each person may use.

The office is the network's administrators' (and site staff's). Coordinators come in
too, for their part of the waiting work (stories to moderate): every other part, and
every action on members, is for administrators. Built on networks.access: one
membership lookup answers every question (docs/permissions.md, "The network office").
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from members.models import User
from networks import access as network_access
from networks.access import NetworkAccess
from networks.models import Membership


def get_office(user: User | AnonymousUser, slug: str) -> NetworkAccess:
    """The user's access to the network's office: its coordinators and administrators
    (and site staff); 403 to anyone else, 404 for a network that does not exist."""
    perms = network_access.for_slug(user, slug)
    if not perms.can_coordinate:
        raise PermissionDenied(
            f"Only the administrators and coordinators of {perms.network.name} can open its office."
        )
    return perms


def get_office_to_administer(user: User | AnonymousUser, slug: str) -> NetworkAccess:
    """The user's access to the parts of the office for administrators only (members,
    fees, history); 403 to coordinators and everyone else."""
    perms = network_access.for_slug(user, slug)
    if not perms.can_administer:
        raise PermissionDenied(
            f"Only the administrators of {perms.network.name} can use this part of its office."
        )
    return perms


def may_manage(perms: NetworkAccess, membership: Membership) -> bool:
    """Whether the administrator may change this membership from the office: never their
    own (to step down, an administrator leaves from the network's page or asks another
    administrator), so nobody locks themselves out by a slip of the finger."""
    return perms.can_administer and (
        perms.membership is None or membership.pk != perms.membership.pk
    )


def get_membership_to_manage(perms: NetworkAccess, pk: int) -> Membership:
    """One of the network's memberships, for an administrator to act on; another network's
    (or none) is a 404, the administrator's own a 403."""
    membership = (
        perms.network.memberships.select_related("person", "school", "network")
        .filter(pk=pk)
        .first()
    )
    if membership is None or membership.person is None:
        raise Http404("No such member.")
    if not may_manage(perms, membership):
        raise PermissionDenied(
            "You cannot change your own membership here: another administrator can, "
            "or you can leave from the network's page."
        )
    return membership
