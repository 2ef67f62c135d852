"""The "next meetings" sections of a network's page and of a workhub's page (networks
asks; it never imports us)."""

from networks.sections import Section

from . import access
from .schedule import network_upcoming_and_unseen, workhub_upcoming


def next_meetings_section(request, perms) -> Section:
    """Always shown: the next meetings the viewer may see, that the network meets when its
    next meeting is one they may not see, or a line saying there are none."""
    meetings, unseen = network_upcoming_and_unseen(perms.network, perms)
    # The list changes when a meeting in it ends (or the one unseen starts: sooner).
    ends = [meeting.ends_at for meeting in meetings] + ([unseen.starts_at] if unseen else [])
    return Section(
        "meetings/_network_section.html",
        {
            "network": perms.network,
            "meetings": meetings,
            "unseen": unseen,
            "signed_in": perms.is_signed_in,
            "can_manage": perms.can_coordinate,
        },
        order=10,
        until=min(ends, default=None),
    )


def workhub_meetings_section(request, perms, workhub, lead_ids: set[int]) -> Section:
    """The workhub's next meetings the viewer may see, and a way for its leads (and the
    network's coordinators) to plan one."""
    is_lead = request.user.is_authenticated and request.user.pk in lead_ids
    return Section(
        "meetings/_workhub_section.html",
        {
            "network": perms.network,
            "workhub": workhub,
            "meetings": workhub_upcoming(workhub, perms),
            "can_plan": access.can_plan_for_workhub(perms, workhub, is_lead),
            "sees_all": perms.is_member,
        },
        order=10,
    )
