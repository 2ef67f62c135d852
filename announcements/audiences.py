"""Who an announcement reaches, and what each of them gets: the one place that decides it.

`recipients` is the audience: the people the announcement is addressed to. Each of
them then gets it at once, in their weekly digest, or not at all (their email
preference for the announcement's network, and whether their address still takes
bulk mail). `delivery_status` is that rule; the fan-out (announcements.sending)
writes one delivery row by it, and `reach` counts by it before anything is sent.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from attendance.models import Attendance
from meetings.models import Meeting, MeetingSeries, Registration
from members.models import EmailSuppression, User
from networks.models import EmailPreference, Membership, WorkhubMembership

from .models import Announcement, Delivery

Audience = Announcement.Audience
Choice = EmailPreference.Choice
Status = Delivery.Status


def _audience(announcement: Announcement) -> Q:
    """The people the audience names, as a condition on people (a subquery of their ids,
    so nobody appears twice and no DISTINCT is needed)."""
    kind = announcement.audience
    if kind == Audience.NETWORK:
        # The network's own members and its sub-groups' (a sub-group is a network whose
        # parent is this one); a person in both is one person.
        ids = Membership.objects.active().filter(
            Q(network_id=announcement.network_id) | Q(network__parent_id=announcement.network_id)
        )
    elif kind == Audience.SUBGROUP:
        ids = Membership.objects.active().filter(network=announcement.subgroup)
    elif kind == Audience.SEAT_HOLDERS:
        ids = Membership.objects.active().filter(
            network_id=announcement.network_id, school__isnull=False
        )
    elif kind == Audience.WORKHUB:
        return Q(
            pk__in=WorkhubMembership.objects.filter(workhub=announcement.workhub).values("person")
        )
    elif kind == Audience.MEETING:
        # A meeting deleted since leaves nobody to tell.
        live = Registration.objects.live().filter(meeting=announcement.meeting)
        return Q(pk__in=live.values("person")) if announcement.meeting_id else Q(pk__in=[])
    elif kind in (Audience.ATTENDED, Audience.NO_SHOWS):
        return _follow_up(announcement.audience, announcement.meeting_id)
    else:
        raise ValueError(f"Unknown audience {kind!r}")
    return Q(pk__in=ids.values("person"))


def _follow_up(audience: str, meeting_id: int | None) -> Q:
    """A meeting's register: the people on it (attended), or the people who had a place
    and are not on it (no-shows; the waiting list never had one). A meeting deleted since
    leaves nobody."""
    if meeting_id is None:
        return Q(pk__in=[])
    came = Attendance.objects.filter(meeting_id=meeting_id).values("person")
    if audience == Audience.ATTENDED:
        return Q(pk__in=came)
    had_a_place = Registration.objects.filter(
        meeting_id=meeting_id, status=Registration.Status.GOING
    ).values("person")
    # A briefing given in several places keeps the place attended: someone who had a
    # place here and came to another of its places came.
    same_briefing = Meeting.objects.filter(
        series__rule=MeetingSeries.Rule.SESSIONS, series__meetings=meeting_id
    ).values("pk")
    came_anywhere = Attendance.objects.filter(
        Q(meeting_id=meeting_id) | Q(meeting_id__in=same_briefing)
    ).values("person")
    return Q(pk__in=had_a_place) & ~Q(pk__in=came_anywhere)


def recipients(announcement: Announcement) -> QuerySet[User]:
    """The people in the announcement's audience with an account in use, each once."""
    return User.objects.filter(_audience(announcement), is_active=True)


def _preference(announcement: Announcement) -> Coalesce:
    """A recipient's email preference for the announcement's network (every announcement
    when they chose nothing), as an expression on the recipient."""
    chosen = EmailPreference.objects.filter(
        network_id=announcement.network_id, person=OuterRef("pk")
    ).values("choice")[:1]
    return Coalesce(Subquery(chosen), Value(Choice.EVERY.value))


def address_stopped(address: str = "email") -> Exists:
    """Whether the address in the field `address` gets no bulk mail, as an expression (on
    a person by default)."""
    return Exists(
        EmailSuppression.objects.filter(address=OuterRef(address), suppressed_at__isnull=False)
    )


def people_with_choices(announcement: Announcement) -> QuerySet[User, tuple[int, str, bool]]:
    """(person id, preference, address stopped) for each recipient, in id order: what
    `delivery_status` needs for each, in one query."""
    return (
        recipients(announcement)
        .annotate(choice=_preference(announcement), stopped=address_stopped())
        .order_by("pk")
        .values_list("pk", "choice", "stopped")
    )


def delivery_status(choice: str, *, urgent: bool, stopped: bool) -> str | None:
    """The status of a person's delivery row: queued (it goes at once), digest (in their
    weekly digest), suppressed (their address gets no bulk mail), or None: no row, as
    they want no announcements, or only urgent ones and this is not urgent."""
    if EmailPreference.takes_at_once(choice, urgent=urgent):
        return Status.SUPPRESSED if stopped else Status.QUEUED
    if choice == Choice.DIGEST:
        return Status.SUPPRESSED if stopped else Status.DIGEST
    return None


@dataclass(frozen=True)
class Reach:
    """How many people an announcement reaches, and how: what its sender sees before
    sending. The four ways add up to `people`."""

    people: int
    at_once: int
    in_digest: int
    # Chose no announcements from the network, or only urgent ones.
    not_wanted: int
    # Their address gets no bulk mail (it bounced, or complained).
    suppressed: int


def reach(announcement: Announcement) -> Reach:
    """The counts of `Reach` for the announcement as it stands (one query, however many
    people; it need not be saved yet)."""
    rows = (
        recipients(announcement)
        .annotate(choice=_preference(announcement), stopped=address_stopped())
        .order_by()
        .values("choice", "stopped")
        .annotate(people=Count("pk"))
        .values_list("choice", "stopped", "people")
    )
    counts: dict[str | None, int] = {
        Status.QUEUED: 0,
        Status.DIGEST: 0,
        Status.SUPPRESSED: 0,
        None: 0,
    }
    for choice, stopped, people in rows:
        status = delivery_status(choice, urgent=announcement.is_urgent, stopped=stopped)
        counts[status] += people
    return Reach(
        people=sum(counts.values()),
        at_once=counts[Status.QUEUED],
        in_digest=counts[Status.DIGEST],
        not_wanted=counts[None],
        suppressed=counts[Status.SUPPRESSED],
    )
