"""A person's announcements data: what they can download, and what closing removes.

An announcement is the network's, sent in its name to its members: it stays in the
network's archive without the link to the person who wrote it (shown, as an article
with no author left is, as from the network). What was sent to the person is theirs:
their deliveries and the record of the digests they were sent go with them. Their
email preferences are in networks.privacy, any stop on bulk mail to their address in
members.privacy.
"""

from django.db import transaction

from core import pagecache
from core.dates import iso
from members.models import User
from networks.models import network_scope

from .models import Announcement, Delivery, DigestSent


def personal_data(person: User) -> dict[str, object]:
    """The announcements they wrote, the copies sent to them (not who else had one), and
    the weekly digests sent to them."""
    return {
        "announcements_written": [
            {
                "network": announcement.network.name,
                "subject": announcement.subject,
                "state": announcement.get_state_display(),
                "written_at": iso(announcement.created_at),
                "sent_at": iso(announcement.sent_at),
            }
            for announcement in Announcement.objects.filter(author=person)
            .select_related("network")
            .order_by("-created_at", "-id")
        ],
        "announcements_to_you": [
            {
                "announcement": delivery.announcement.subject,
                "network": delivery.announcement.network.name,
                "status": delivery.get_status_display(),
                "announced_at": iso(delivery.announcement.sent_at),
                "sent_to_you_at": iso(delivery.sent_at),
            }
            for delivery in Delivery.objects.filter(person=person)
            .select_related("announcement__network")
            .order_by("-id")
        ],
        "digests_sent": [
            {"week_of": iso(digest.week_of), "sent_at": iso(digest.sent_at)}
            for digest in DigestSent.objects.filter(person=person).order_by("-week_of")
        ],
    }


@transaction.atomic
def forget_person(person: User) -> None:
    """Delete what was sent to them; keep what they wrote, without them as its author."""
    Delivery.objects.filter(person=person).delete()
    DigestSent.objects.filter(person=person).delete()
    written = Announcement.objects.filter(author=person)
    slugs = set(written.values_list("network__slug", flat=True))
    written.update(author=None)
    if slugs:  # a network's page lists its latest announcements with their authors
        pagecache.invalidate(*map(network_scope, slugs))
