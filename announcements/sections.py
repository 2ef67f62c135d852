"""The announcements sections of a network's page and of a workhub's page (networks
asks; it never imports us)."""

from networks.sections import Section

from . import access, targets
from .models import Announcement

SECTION_SIZE = 3


def latest_announcements_section(request, perms) -> Section | None:
    """The network's latest sent announcements, for its members, and a way for its
    coordinators to write one; nothing for anyone else. The same for everyone with the
    same role (a lead of a workhub writes from the workhub's page)."""
    reader = access.AnnouncementAccess(perms=perms)
    if not reader.can_read:
        return None
    latest = list(access.archive(reader).order_by("-sent_at", "-id")[:SECTION_SIZE])
    if not latest and not reader.can_write_to_anyone:
        return None
    return Section(
        "announcements/_network_section.html",
        {
            "network": perms.network,
            "announcements": latest,
            "can_write": reader.can_write_to_anyone,
        },
        order=15,
    )


def workhub_announcements_section(request, perms, workhub, lead_ids: set[int]) -> Section | None:
    """For the workhub's leads (and the network's coordinators): a way to write to it."""
    is_lead = request.user.is_authenticated and request.user.pk in lead_ids
    writer = access.on_workhub_page(perms, workhub, is_lead)
    if not targets.is_this_years(workhub) or not writer.may_write_to(
        Announcement.Audience.WORKHUB, workhub.pk
    ):
        return None
    return Section(
        "announcements/_workhub_section.html",
        {"network": perms.network, "workhub": workhub, "is_lead": bool(writer.led_workhub_ids)},
        order=20,
    )
