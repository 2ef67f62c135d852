"""What an announcement of a network may be addressed to: the one place that says it.

The service checks an announcement against these before it saves or sends it, and
the composer offers only these (narrowed further by who is writing: announcements.access).
A meeting's people are an audience while it is to come; once it has taken place, its
register's are (the people who came, and those who had a place and did not).
"""

from django.db.models import QuerySet
from django.utils import timezone

from core.dates import academic_year_of
from meetings.models import Meeting
from networks.models import Network, Workhub

from .models import Announcement


def subgroups_of(network: Network) -> QuerySet[Network]:
    """Its sub-groups."""
    return Network.objects.filter(parent=network).order_by("name")


def workhubs_of(network: Network) -> QuerySet[Workhub]:
    """Its workhubs of this academic year (an earlier year's is a record, not an audience)."""
    return Workhub.objects.filter(network=network, academic_year=academic_year_of()).order_by(
        "name"
    )


def is_this_years(workhub: Workhub) -> bool:
    """workhubs_of for one workhub in hand."""
    return workhub.academic_year == academic_year_of()


def meetings_of(network: Network) -> QuerySet[Meeting]:
    """Its published meetings that have not ended: their people are going or waiting."""
    return Meeting.objects.filter(
        network=network, state=Meeting.State.PUBLISHED, ends_at__gte=timezone.now()
    ).order_by("starts_at", "pk")


def held_meetings_of(network: Network) -> QuerySet[Meeting]:
    """Its published meetings that have taken place, latest first: a follow-up's meeting
    (to the people on its register, or those who had a place and are not)."""
    return Meeting.objects.filter(
        network=network, state=Meeting.State.PUBLISHED, ends_at__lt=timezone.now()
    ).order_by("-starts_at", "-pk")


def audiences_of(network: Network) -> list[str]:
    """The kinds of audience the network has at all (the seats only if it is school-based)."""
    return [
        audience
        for audience in Announcement.Audience.values
        if audience != Announcement.Audience.SEAT_HOLDERS or network.is_school_based
    ]
