"""Participation per school (docs/rules.md, "Participation per school"): which of a
network's member schools came to which of its meetings this academic year, the alliance's
accountability report.

A school counts as present at a meeting when anyone came for it (its head or another of
its leaders: the Attendance row's school), or when a SchoolCount keeps that it did (the
person has since closed their account). The grid is built in Python from three queries
(the meetings, the schools, and the pairs present), however many schools and meetings.
"""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from core.dates import academic_year_label, academic_year_of
from meetings.models import LONDON, Meeting
from members.models import Post, School
from networks.models import Membership, Network

from .models import Attendance, SchoolCount

# A meeting's title in the grid's header row is cut to this many characters.
SHORT_TITLE = 32


def year_start(year: int) -> datetime.datetime:
    """The first moment of the academic year that began in `year` (1 September, UK time)."""
    return datetime.datetime(year, 9, 1, tzinfo=LONDON)


def held_meetings(network: Network, now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    """The network's meetings of this academic year that have taken place: published (not
    drafts, not cancelled) and over, oldest first."""
    now = now or timezone.now()
    return Meeting.objects.filter(
        network=network,
        state=Meeting.State.PUBLISHED,
        starts_at__gte=year_start(academic_year_of(timezone.localdate(now))),
        ends_at__lt=now,
    ).order_by("starts_at", "pk")


def member_schools(network: Network) -> QuerySet[School]:
    """The network's member schools: for a school-based network, the schools holding its
    seats; for a person-based one, the schools of its active members' current verified
    posts (the posts the register counts people for: rules.school_for)."""
    if network.is_school_based:
        seats = Membership.objects.active().filter(network=network, school__isnull=False)
        return School.objects.filter(pk__in=seats.values("school"))
    members = Membership.objects.active().filter(network=network).values("person")
    posts = Post.objects.current().verified().filter(person__in=members, school__isnull=False)
    return School.objects.filter(pk__in=posts.values("school"))


def present_pairs(meetings: QuerySet[Meeting], schools: QuerySet[School]) -> set[tuple[int, int]]:
    """(meeting id, school id) for each school present at each meeting, in one query: the
    register's rows and the counts left by closed accounts, together."""
    came = (
        Attendance.objects.filter(
            meeting__in=meetings.values("pk"), school__in=schools.values("pk")
        )
        .order_by()
        .values_list("meeting_id", "school_id")
    )
    counted = (
        SchoolCount.objects.filter(
            count__gt=0, meeting__in=meetings.values("pk"), school__in=schools.values("pk")
        )
        .order_by()
        .values_list("meeting_id", "school_id")
    )
    return {(meeting_id, school_id) for meeting_id, school_id in came.union(counted)}


@dataclass(frozen=True)
class Column:
    """A meeting in the grid's header row."""

    meeting_id: int
    starts_at: datetime.datetime
    title: str

    @property
    def short_title(self) -> str:
        """The title, cut at a word to fit the header row (the full one is its tooltip)."""
        if len(self.title) <= SHORT_TITLE:
            return self.title
        return self.title[: SHORT_TITLE - 1].rsplit(" ", 1)[0].rstrip(" :,;–-") + "…"


@dataclass(frozen=True)
class Row:
    """A member school and, for each meeting in order, whether it was there."""

    school_id: int
    name: str
    urn: int
    present: tuple[bool, ...]

    @property
    def total(self) -> int:
        return sum(self.present)

    @property
    def not_seen(self) -> bool:
        return self.total == 0


@dataclass(frozen=True)
class Participation:
    network: Network
    year_label: str
    columns: list[Column]
    # The schools not seen this year first, then by fewest meetings, then by name.
    rows: list[Row]

    @property
    def not_seen(self) -> list[Row]:
        return [row for row in self.rows if row.not_seen]

    @property
    def totals(self) -> list[int]:
        """How many member schools came to each meeting, in the columns' order."""
        return [sum(row.present[index] for row in self.rows) for index in range(len(self.columns))]


def participation(network: Network, now: datetime.datetime | None = None) -> Participation:
    """The network's member schools × its meetings held this academic year (three queries)."""
    now = now or timezone.now()
    meetings = held_meetings(network, now)
    schools = member_schools(network)
    columns = [
        Column(pk, starts_at, title)
        for pk, starts_at, title in meetings.values_list("pk", "starts_at", "title")
    ]
    present = present_pairs(meetings, schools) if columns else set()
    rows = [
        Row(pk, name, urn, tuple((column.meeting_id, pk) in present for column in columns))
        for pk, name, urn in schools.order_by("name", "pk").values_list("pk", "name", "urn")
    ]
    # Fewest meetings first, so the schools not seen at all lead; by name within (stable).
    rows.sort(key=lambda row: row.total)
    return Participation(
        network=network,
        year_label=academic_year_label(academic_year_of(timezone.localdate(now))),
        columns=columns,
        rows=rows,
    )
