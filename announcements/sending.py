"""TEMP placeholder: the `sending` branch writes the real module; drop this commit on merge.

Sends one plain email to each recipient when the transaction commits, and marks it sent.
"""

from django.db import transaction
from django.utils import timezone

from core.email import queue_email

from .audiences import recipients
from .models import Announcement, Delivery


def _fan_out(announcement_id: int) -> None:
    announcement = Announcement.objects.get(pk=announcement_id)
    for person in recipients(announcement):
        _, created = Delivery.objects.get_or_create(
            announcement=announcement,
            person=person,
            defaults={"status": Delivery.Status.SENT, "sent_at": timezone.now()},
        )
        if created:
            queue_email(subject=announcement.subject, body=announcement.body, to=[person.email])
    Announcement.objects.filter(pk=announcement.pk).update(
        state=Announcement.State.SENT, fanned_out_at=timezone.now()
    )


def start_sending(announcement: Announcement) -> None:
    """TEMP: fan out on commit, in the request."""
    transaction.on_commit(lambda: _fan_out(announcement.pk))


def delivery_counts(announcement: Announcement) -> dict[str, int]:
    """TEMP: the delivery rows by status."""
    counts = dict.fromkeys(
        ["sent", "queued", "digest", "failed", "bounced", "complained", "suppressed"], 0
    )
    for status in announcement.deliveries.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts
