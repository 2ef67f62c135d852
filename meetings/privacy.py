"""A person's meetings data: what they can download, and what closing their account removes.

Kept when a person closes their account: the meetings and papers they made stay
with their network (without the link to them), as do the counts the network's
records need; their registrations and their calendar feed go. A place they held
at an upcoming meeting is given up first, so the next person waiting moves up.
"""

from django.db import transaction
from django.utils import timezone

from members.models import User

from . import services
from .models import CalendarFeed, Meeting, Paper, Registration


def personal_data(person: User) -> dict:
    """The person's registrations and whether they have a calendar feed (not its secret)."""
    registrations = (
        Registration.objects.filter(person=person)
        .select_related("meeting__network")
        .order_by("meeting__starts_at")
    )
    feed = CalendarFeed.objects.filter(person=person).first()
    return {
        "meeting_registrations": [
            {
                "meeting": registration.meeting.title,
                "network": registration.meeting.network.name,
                "starts_at": registration.meeting.starts_at.isoformat(),
                "status": registration.get_status_display(),
                "registered_at": registration.created_at.isoformat(),
                "reminded_at": registration.reminded_at.isoformat()
                if registration.reminded_at
                else None,
            }
            for registration in registrations
        ],
        "calendar_feed": {"created_at": feed.created_at.isoformat()} if feed else None,
        "meetings_created": list(
            Meeting.objects.filter(created_by=person).values_list("title", flat=True)
        ),
    }


@transaction.atomic
def forget_person(person: User) -> None:
    """Remove the person's registrations and feed; keep what belongs to their networks."""
    upcoming = Registration.objects.live().filter(
        person=person, meeting__ends_at__gte=timezone.now()
    )
    for registration in upcoming.select_related("meeting"):
        services.cancel_registration(meeting=registration.meeting, person=person)
    Registration.objects.filter(person=person).delete()
    CalendarFeed.objects.filter(person=person).delete()
    Meeting.objects.filter(created_by=person).update(created_by=None)
    Paper.objects.filter(uploaded_by=person).update(uploaded_by=None)
