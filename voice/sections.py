"""The polls section of a network's page (networks asks; it never imports us)."""

from networks.sections import Section

from . import access


def polls_section(request, perms) -> Section | None:
    """For the network's members, the way to its polls, and for its coordinators a way to
    start one; nothing for anyone else. Links only: the page is at its query budget."""
    viewer = access.PollAccess(perms=perms)
    if not viewer.can_see:
        return None
    return Section(
        "voice/_network_section.html",
        {"network": perms.network, "can_start": viewer.can_start},
        order=16,
    )
