"""TEMP placeholder: the `sending` branch writes the real module; drop this commit on merge.

Only what the web pages call (`recipients`, `reach`), so they can run before it lands.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from meetings.models import Registration
from members.models import User
from networks.models import Membership

from .models import Announcement


@dataclass(frozen=True)
class Reach:
    people: int
    at_once: int
    in_digest: int
    not_wanted: int
    suppressed: int


def recipients(announcement: Announcement) -> QuerySet[User]:
    """TEMP: everyone in the audience, once each (no preferences, no suppression)."""
    audience = announcement.audience
    active = Membership.Status.ACTIVE
    if audience == Announcement.Audience.SUBGROUP:
        people = User.objects.filter(
            memberships__network=announcement.subgroup_id, memberships__status=active
        )
    elif audience == Announcement.Audience.WORKHUB:
        people = User.objects.filter(workhub_memberships__workhub=announcement.workhub_id)
    elif audience == Announcement.Audience.MEETING:
        people = User.objects.filter(
            meeting_registrations__meeting=announcement.meeting_id,
            meeting_registrations__status__in=Registration.LIVE_STATUSES,
        )
    elif audience == Announcement.Audience.SEAT_HOLDERS:
        people = User.objects.filter(
            memberships__network=announcement.network_id,
            memberships__status=active,
            memberships__school__isnull=False,
        )
    else:
        people = User.objects.filter(
            memberships__network=announcement.network_id, memberships__status=active
        )
    return people.distinct()


def reach(announcement: Announcement) -> Reach:
    """TEMP: everyone at once."""
    people = recipients(announcement).count()
    return Reach(people=people, at_once=people, in_digest=0, not_wanted=0, suppressed=0)
