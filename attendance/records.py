"""A person's record of attendance: the hours a meeting counts for, their certificate of
attendance for one meeting, and their CPD record across every network (docs/rules.md,
"Corrections, certificates and the CPD record").

The record is the person's own: nobody else opens their certificates or their record,
site staff included (a network's coordinators see its registers, not a person's record).
Their PDFs are in attendance/pdf.py.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from core.dates import academic_year_label, academic_year_of
from meetings.models import Meeting
from members.models import User

from .models import Attendance

SECONDS_IN_A_QUARTER_HOUR = 15 * 60


def cpd_hours(starts_at: datetime.datetime, ends_at: datetime.datetime) -> Decimal:
    """The hours a meeting counts for: its length to the nearest quarter of an hour (seven
    and a half minutes round up)."""
    seconds = max(Decimal((ends_at - starts_at).total_seconds()), Decimal(0))
    quarters = (seconds / SECONDS_IN_A_QUARTER_HOUR).quantize(Decimal(1), ROUND_HALF_UP)
    return quarters / 4


def hours_figure(hours: Decimal) -> str:
    """'1', '1.5', '10', '0.75': the hours as a number, without trailing zeros."""
    return f"{hours.normalize():f}"


def hours_text(hours: Decimal) -> str:
    """'1 hour', '1.5 hours', '0.75 hours': as a certificate and a record say it."""
    return f"{hours_figure(hours)} hour" if hours == 1 else f"{hours_figure(hours)} hours"


@dataclass(frozen=True)
class AttendedMeeting:
    """One meeting on a person's record."""

    attendance: Attendance

    @property
    def meeting(self) -> Meeting:
        return self.attendance.meeting

    @property
    def hours(self) -> Decimal:
        return cpd_hours(self.meeting.starts_at, self.meeting.ends_at)

    @property
    def hours_figure(self) -> str:
        return hours_figure(self.hours)

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours)

    @property
    def date(self) -> datetime.date:
        return self.meeting.local_start.date()

    @property
    def place(self) -> str:
        """The venue, "Online", or both (for a briefing, the place the person came to)."""
        return self.meeting.location

    @property
    def academic_year(self) -> int:
        return academic_year_of(self.date)

    @property
    def certificate_ready(self) -> bool:
        """A certificate once the meeting is over."""
        return self.meeting.is_past


@dataclass
class RecordYear:
    """An academic year of a person's record."""

    start_year: int
    rows: list[AttendedMeeting] = field(default_factory=list)

    @property
    def label(self) -> str:
        return academic_year_label(self.start_year)

    @property
    def hours(self) -> Decimal:
        return sum((row.hours for row in self.rows), Decimal(0))

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours)


@dataclass(frozen=True)
class CpdRecord:
    """Every meeting a person attended, in every network, by academic year (newest first,
    each year's meetings in date order)."""

    person: User
    years: list[RecordYear]
    made_at: datetime.datetime

    @property
    def rows(self) -> list[AttendedMeeting]:
        """Every meeting, oldest first (the CSV's order)."""
        return [row for year in reversed(self.years) for row in year.rows]

    @property
    def hours(self) -> Decimal:
        return sum((year.hours for year in self.years), Decimal(0))

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours)

    @property
    def meeting_count(self) -> int:
        return sum(len(year.rows) for year in self.years)


def _attended(attendances: Iterable[Attendance]) -> list[AttendedMeeting]:
    return [AttendedMeeting(attendance) for attendance in attendances]


def cpd_record(person: User) -> CpdRecord:
    """The person's record, in one query however many meetings it holds."""
    attendances = (
        Attendance.objects.filter(person=person)
        .select_related("meeting__network", "meeting__venue_school", "school")
        .order_by("meeting__starts_at", "meeting_id")
    )
    years: dict[int, RecordYear] = {}
    for row in _attended(attendances):
        years.setdefault(row.academic_year, RecordYear(row.academic_year)).rows.append(row)
    return CpdRecord(
        person=person,
        years=sorted(years.values(), key=lambda year: year.start_year, reverse=True),
        made_at=timezone.now(),
    )


CSV_HEADER = ["Academic year", "Date", "Meeting", "Network", "Place", "Hours", "Recorded"]
CSV_COLUMNS = [
    lambda row: academic_year_label(row.academic_year),
    lambda row: row.date.isoformat(),
    lambda row: row.meeting.title,
    lambda row: row.meeting.network.name,
    lambda row: row.place,
    lambda row: row.hours_figure,
    lambda row: row.attendance.get_how_display(),
]


def get_own_attendance(user: User | AnonymousUser, meeting_pk: int) -> AttendedMeeting:
    """The user's attendance at the meeting, once it is over, for their certificate; a 404
    for anyone not on its register (nobody learns who is)."""
    if not user.is_authenticated:
        raise Http404("No certificate.")
    attendance = (
        Attendance.objects.filter(meeting_id=meeting_pk, person=user)
        .select_related("meeting__network", "meeting__venue_school", "person")
        .first()
    )
    if attendance is None or not attendance.meeting.is_past:
        raise Http404("No certificate.")
    return AttendedMeeting(attendance)
