"""Dates for a series of meetings: weekly, monthly, half-termly or N times a year.

Pure functions over dates and a list of terms, so every rule is tested without a
database. Times are wall-clock times in Europe/London: a 16:00 meeting stays at
16:00 across the October and March clock changes.
"""

import datetime
from dataclasses import dataclass, field

from dateutil import rrule

from core.dates import academic_year_of

from .models import LONDON, MeetingSeries, Term

Rule = MeetingSeries.Rule
MAX_MEETINGS = 60


@dataclass(frozen=True)
class SeriesSpec:
    """What a coordinator asks for."""

    rule: str
    first_date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    until: datetime.date | None = None
    interval: int = 1  # weekly: every N weeks
    nth: int = 1  # monthly: the Nth weekday (-1: the last); half-termly: in week N
    per_year: int = 6  # times a year
    skip_holidays: bool = True
    venues: list = field(default_factory=list)  # rotated through, in order

    @property
    def weekday(self) -> int:
        return self.first_date.weekday()

    @property
    def last_date(self) -> datetime.date:
        """Until the date given, or the end of the first date's academic year."""
        if self.until:
            return self.until
        return datetime.date(academic_year_of(self.first_date) + 1, 8, 31)


def is_teaching_day(day: datetime.date, terms: list[Term]) -> bool:
    return any(term.is_teaching_day(day) for term in terms)


def _halves(terms: list[Term]) -> list[tuple[datetime.date, datetime.date]]:
    return [half for term in terms for half in term.halves]


def _day_in_half(half, weekday: int, week: int) -> datetime.date | None:
    """The weekday in week N of a half term (or the last one the half has)."""
    first, last = half
    days = [
        first + datetime.timedelta(days=offset)
        for offset in range((last - first).days + 1)
        if (first + datetime.timedelta(days=offset)).weekday() == weekday
    ]
    if not days:
        return None
    return days[min(week, len(days)) - 1]


def meeting_dates(spec: SeriesSpec, terms: list[Term]) -> list[datetime.date]:
    """The dates of the series, holidays skipped if asked, at most MAX_MEETINGS."""
    start, end = spec.first_date, spec.last_date
    if spec.rule == Rule.WEEKLY:
        dates = [
            moment.date()
            for moment in rrule.rrule(
                rrule.WEEKLY,
                interval=max(spec.interval, 1),
                dtstart=datetime.datetime.combine(start, datetime.time()),
                until=datetime.datetime.combine(end, datetime.time()),
            )
        ]
    elif spec.rule == Rule.MONTHLY:
        weekday = rrule.weekday(spec.weekday)(spec.nth)
        dates = [
            moment.date()
            for moment in rrule.rrule(
                rrule.MONTHLY,
                byweekday=weekday,
                dtstart=datetime.datetime.combine(start.replace(day=1), datetime.time()),
                until=datetime.datetime.combine(end, datetime.time()),
            )
            if moment.date() >= start
        ]
    elif spec.rule in (Rule.HALF_TERMLY, Rule.TIMES_A_YEAR):
        halves = [half for half in _halves(terms) if half[1] >= start and half[0] <= end]
        if spec.rule == Rule.TIMES_A_YEAR:
            halves = _spread(halves, spec.per_year)
        # Week N counts from the half term's own first week, not from the first date
        # given: a half whose week N falls before the first date (or after the last)
        # has no meeting.
        dates = [
            day
            for day in (_day_in_half(half, spec.weekday, spec.nth) for half in halves)
            if day is not None and start <= day <= end
        ]
        return dates[:MAX_MEETINGS]
    else:
        dates = [start]
    if spec.skip_holidays:
        dates = [day for day in dates if is_teaching_day(day, terms)]
    return dates[:MAX_MEETINGS]


def _spread(halves: list, count: int) -> list:
    """`count` of the half terms, spread evenly through each year (6 halves a year)."""
    by_year: dict[int, list] = {}
    for half in halves:
        by_year.setdefault(academic_year_of(half[0]), []).append(half)
    chosen = []
    for year_halves in by_year.values():
        picks = sorted({round(index * len(year_halves) / count) for index in range(count)})
        chosen.extend(year_halves[pick] for pick in picks if pick < len(year_halves))
    return chosen


def occurrences(spec: SeriesSpec, terms: list[Term]) -> list[dict]:
    """Each meeting's start, end (aware, Europe/London) and venue from the rotation."""
    result = []
    for index, day in enumerate(meeting_dates(spec, terms)):
        starts = datetime.datetime.combine(day, spec.start_time, tzinfo=LONDON)
        ends = datetime.datetime.combine(day, spec.end_time, tzinfo=LONDON)
        venue = spec.venues[index % len(spec.venues)] if spec.venues else None
        result.append({"starts_at": starts, "ends_at": ends, "venue_school": venue})
    return result


def years_spanned(spec: SeriesSpec) -> list[int]:
    return list(range(academic_year_of(spec.first_date), academic_year_of(spec.last_date) + 1))
