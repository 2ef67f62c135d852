"""Schedules other pages show: the next public meetings, a person's own schedule.

Plain functions so the home page and /me/ (on the floor above) can call them;
each uses a fixed number of queries however many meetings there are.
"""

import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from members.models import User
from networks.models import WorkhubMembership

from . import access
from .models import Meeting, Registration


def next_public_meetings(limit: int = 5) -> list[Meeting]:
    """The next published meetings anyone may see, across every network (one query)."""
    return list(
        Meeting.objects.filter(access.visible_meetings_q(access.ANONYMOUS))
        .filter(state=Meeting.State.PUBLISHED)
        .upcoming()
        .for_lists()[:limit]
    )


def network_upcoming(network, perms, limit: int = 3) -> list[Meeting]:
    """A network's next meetings the viewer may see (for its page; coordinators see their
    drafts there too), one query."""
    meetings = network.meetings.filter(access.visible_meetings_q(access.viewer_in(perms)))
    return list(meetings.upcoming().for_lists()[:limit])


def personal_meetings(person: User):
    """The meetings of the person's networks and workhubs and those they registered for,
    published or cancelled, and only those they may see: a workhub place or a
    registration adds no right of its own. None for an account that is switched off
    (its feed's secret address outlives it)."""
    if not person.is_active:
        return Meeting.objects.none()
    viewer = access.viewer_of(person)
    # Subqueries, not joins: a join on registrations would also change the
    # going_count annotation of for_lists().
    workhubs = WorkhubMembership.objects.filter(person=person).values("workhub_id")
    registered = Registration.objects.live().filter(person=person).values("meeting_id")
    return (
        Meeting.objects.listed()
        .filter(access.visible_meetings_q(viewer))
        .filter(
            Q(network_id__in=viewer.member_of) | Q(workhub_id__in=workhubs) | Q(pk__in=registered)
        )
    )


def my_schedule(person: User, *, limit: int = 20, now: datetime.datetime | None = None) -> dict:
    """The person's upcoming meetings with their registration on each (two queries).

    Returns {"meetings": [Meeting, ...], "registrations": {meeting_id: Registration}},
    each meeting carrying `my_registration` (or None) for the template.
    """
    now = now or timezone.now()
    own = Registration.objects.live().filter(person=person)
    meetings = list(
        personal_meetings(person)
        .upcoming(now)
        .for_lists()
        .prefetch_related(Prefetch("registrations", queryset=own, to_attr="own_registrations"))[
            :limit
        ]
    )
    registrations = {}
    for meeting in meetings:
        meeting.my_registration = (
            meeting.own_registrations[0] if meeting.own_registrations else None
        )
        if meeting.my_registration:
            registrations[meeting.pk] = meeting.my_registration
    return {"meetings": meetings, "registrations": registrations}
