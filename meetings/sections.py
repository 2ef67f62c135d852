"""The "next meetings" section of a network's page (networks asks; it never imports us)."""

from networks.sections import Section

from .schedule import network_upcoming_and_unseen


def next_meetings_section(request, perms) -> Section:
    """Always shown: the next meetings the viewer may see, that the network meets when its
    next meeting is one they may not see, or a line saying there are none."""
    meetings, unseen = network_upcoming_and_unseen(perms.network, perms)
    return Section(
        "meetings/_network_section.html",
        {
            "network": perms.network,
            "meetings": meetings,
            "unseen": unseen,
            "can_manage": perms.can_coordinate,
        },
        order=10,
    )
