"""The "next meetings" section of a network's page (networks asks; it never imports us)."""

from networks.sections import Section

from .schedule import network_upcoming


def next_meetings_section(request, perms) -> Section:
    """Always shown: the next meetings the viewer may see, or a line saying there are none."""
    return Section(
        "meetings/_network_section.html",
        {
            "network": perms.network,
            "meetings": network_upcoming(perms.network, perms),
            "can_manage": perms.can_coordinate,
        },
        order=10,
    )
