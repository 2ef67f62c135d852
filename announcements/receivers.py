"""What the announcements app does when meetings says a meeting changed or was called off.

Whoever got an announcement about a meeting was told of it, registered or not: they hear
of a change or a cancellation too, with the email meetings sends its own people. These
are meeting-change emails, not announcements, so they go whatever the person's email
preference (docs/rules.md, "Announcements and what always goes"). Meetings sits on a
lower floor and may not import this app, hence the signal (meetings.signals).
"""

from collections.abc import Iterable
from typing import Any

from django.dispatch import receiver

from meetings import services as meeting_services
from meetings.models import Meeting
from meetings.signals import meeting_cancelled, meeting_changed
from members.models import User

from .models import Delivery

# A delivery that reached the person, or will: sent, in their next digest, or on its way.
# A failed, bounced or suppressed one told them nothing.
TOLD = (
    Delivery.Status.SENT,
    Delivery.Status.DIGEST,
    Delivery.Status.QUEUED,
    Delivery.Status.SENDING,
)


def told_by_announcement(meeting: Meeting, *, except_ids: Iterable[int] = ()) -> list[User]:
    """The people an announcement about the meeting reached (or is reaching), each once,
    but for those with the ids given (told already)."""
    told_already = set(except_ids)
    people = User.objects.filter(
        announcement_deliveries__announcement__meeting=meeting,
        announcement_deliveries__status__in=TOLD,
    ).distinct()
    return [person for person in people if person.pk not in told_already]


@receiver(meeting_changed, dispatch_uid="announcements.tell_of_meeting_change")
def tell_of_meeting_change(
    sender: type[Meeting], *, meeting: Meeting, changes: list[str], told: set[int], **kwargs: Any
) -> None:
    meeting_services.email_change(
        meeting=meeting,
        changes=changes,
        people=told_by_announcement(meeting, except_ids=told),
        by_announcement=True,
    )


@receiver(meeting_cancelled, dispatch_uid="announcements.tell_of_meeting_cancellation")
def tell_of_meeting_cancellation(
    sender: type[Meeting], *, meeting: Meeting, told: set[int], **kwargs: Any
) -> None:
    meeting_services.email_cancellation(
        meeting=meeting, people=told_by_announcement(meeting, except_ids=told)
    )
