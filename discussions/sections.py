"""The discussions' sections of a network's page and a workhub's (networks asks; it never
imports us): the way to the threads, for those who may read them. Links only: the network
page is at its query budget."""

from networks.sections import Section

from . import access
from .access import DiscussionAccess


def network_section(request, perms) -> Section | None:
    """For the network's members and coordinators: the way to its discussions."""
    reader = DiscussionAccess(perms=perms)
    if not reader.can_read:
        return None
    return Section(
        "discussions/_network_section.html",
        {"network": perms.network, "can_moderate": reader.can_moderate},
        order=17,
    )


def workhub_section(request, perms, workhub, lead_ids: set[int]) -> Section | None:
    """For the workhub's people and the network's coordinators: the way to its threads
    (this year's, or kept as a record)."""
    if not perms.is_member and not perms.can_coordinate:
        return None
    # The page's own answers first: a coordinator or a lead costs no query.
    in_workhub = not perms.can_coordinate and (
        request.user.pk in lead_ids or access.is_in_workhub(request.user, workhub)
    )
    reader = DiscussionAccess(perms=perms, workhub=workhub, in_workhub=in_workhub)
    if not reader.can_read:
        return None
    return Section(
        "discussions/_workhub_section.html",
        {"network": perms.network, "workhub": workhub, "is_archive": reader.is_archive},
        order=22,
    )
