"""Demo registers (issue 24): meetings held this school year with who came to them.

The Oldham Schools Alliance meets termly as a partnership: its partnership meetings held
so far this year have registers with some of its member schools and not others, so its
participation report has schools not seen this year at its top. The demo heads
(primary.head@, secondary.head@, oldham.head@) came to a few meetings, across two networks
for the Oxfordshire heads, so their CPD record and certificates have something in them.

Each person is marked as came through attendance.services (by the alliance's
administrator, as a coordinator keeps a register from a paper list after the meeting), so
the school on the row is the services' (attendance.rules.school_for) and each mark is on
the record; the rows are then dated to the meeting's end, when the register was kept.
Places at meetings already held are written directly: meetings.services.register takes
no registration for a past meeting. Idempotent: a meeting that has a register already is
left as it is, and the alliance's partnership meetings are made once.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from attendance import services as attendance_services
from attendance.models import Attendance
from core.dates import academic_year_of
from meetings import services
from meetings.models import LONDON, Meeting, MeetingSeries, Registration
from members.models import User
from networks.models import Membership, Network

ALLIANCE = "oldham-schools-alliance"
PARTNERSHIP = "Partnership meeting"
# How many of the alliance's member schools (the last by URN, the demo head's aside) have
# not come to any meeting this year: the report's first group.
NOT_SEEN = 2
# The demo heads' meetings: for each, the networks whose meetings held they came to (up to
# two of each).
DEMO_HEADS = {
    "primary.head@example.org": ["oxfordshire-primary-heads", "educational-briefings"],
    "secondary.head@example.org": ["osshta", "educational-briefings"],
    "oldham.head@example.org": [ALLIANCE],
}


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def _one_session_each(meetings: Iterable[Meeting]) -> list[Meeting]:
    """The meetings, with only the first session of a briefing given in several."""
    chosen, briefings = [], set()
    for meeting in meetings:
        series = meeting.series
        if series is not None and series.rule == MeetingSeries.Rule.SESSIONS:
            if series.pk in briefings:
                continue
            briefings.add(series.pk)
        chosen.append(meeting)
    return chosen


class _Seeder:
    def __init__(self, networks: dict[str, Network], accounts: dict[str, User], log):
        self.networks, self.accounts, self.log = networks, accounts, log
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.september = datetime.date(academic_year_of(self.today), 9, 1)
        administrator = (
            Membership.objects.active()
            .filter(network__slug=ALLIANCE, role=Membership.Role.ADMINISTRATOR)
            .select_related("person")
            .first()
        )
        self.coordinator = administrator.person if administrator else None

    def run(self) -> int:
        """The registers, and how many people are newly on them."""
        before = Attendance.objects.count()
        alliance = self.networks.get(ALLIANCE)
        if alliance is not None:
            self.partnership_meetings(alliance)
            self.alliance_registers(alliance)
        for email, slugs in DEMO_HEADS.items():
            person = self.accounts.get(email)
            if person is not None:
                self.came(person, slugs)
        return Attendance.objects.count() - before

    def partnership_meetings(self, alliance: Network) -> None:
        """Three partnership meetings held so far this year (at a quarter, half and three
        quarters of the way from 1 September to yesterday), made once."""
        if alliance.meetings.filter(title__startswith=PARTNERSHIP).exists():
            return
        days = (self.today - self.september).days
        for quarter in (1, 2, 3):
            day = self.september + datetime.timedelta(days=days * quarter // 4)
            while day.weekday() >= 5:  # a school day
                day -= datetime.timedelta(days=1)
            if day < self.september or _at(day, 16) >= self.now:
                continue
            meeting = services.create_meeting(
                network=alliance,
                by=None,
                title=f"{PARTNERSHIP}: {day:%B}",
                kind=Meeting.Kind.NETWORK_MEETING,
                starts_at=_at(day, 13),
                ends_at=_at(day, 16),
                format=Meeting.Format.IN_PERSON,
                venue_address="Oldham Civic Centre, Oldham OL1 1UT",
                audience=Meeting.Audience.MEMBERS,
                agenda="1. The borough's priorities\n2. Reports from the workhubs\n3. Next term",
            )
            # Demo data: published without announcing it by email.
            meeting.state = Meeting.State.PUBLISHED
            meeting.published_at = meeting.starts_at - datetime.timedelta(days=21)
            meeting.save(update_fields=["state", "published_at", "updated_at"])

    def alliance_registers(self, alliance: Network) -> None:
        """Every seat holder had a place at each partnership meeting held, and the schools
        came in a pattern (one in three missing each time, the demo head always there); a
        workhub's meetings had its own people (SEND's: its lead, the demo head, and its
        members), or two of the schools in turn. NOT_SEEN schools never came."""
        seats = list(
            Membership.objects.active()
            .filter(network=alliance, school__isnull=False)
            .select_related("person", "school")
            .order_by("school__urn")
        )
        demo_head = self.accounts.get("oldham.head@example.org")
        seats.sort(key=lambda seat: seat.person_id != getattr(demo_head, "pk", None))
        seen = seats[: max(1, len(seats) - NOT_SEEN)]
        others = seen[1:] or seen  # the workhubs the demo head is not in
        seat_holders = {seat.person_id for seat in seats}
        held = alliance.meetings.filter(
            state=Meeting.State.PUBLISHED, starts_at__date__gte=self.september, ends_at__lt=self.now
        ).order_by("starts_at")
        for number, meeting in enumerate(held.select_related("workhub")):
            if meeting.attendances.exists():
                continue
            if meeting.workhub is None:
                people = [seat.holder for seat in seats]
                came = [
                    seat.holder
                    for index, seat in enumerate(seen)
                    if not index or (index + number) % 3
                ]
            else:
                people = [
                    person
                    for person in User.objects.filter(workhub_memberships__workhub=meeting.workhub)
                    if person.pk in seat_holders
                ] or [
                    others[number % len(others)].holder,
                    others[(number + 1) % len(others)].holder,
                ]
                came = people
            places = [
                Registration(meeting=meeting, person=person, status="going") for person in people
            ]
            Registration.objects.bulk_create(places, ignore_conflicts=True)
            self.record(meeting, came)

    def came(self, person: User, slugs: list[str]) -> None:
        """The person came to up to two meetings held this year in each of the networks,
        to one session of a briefing given in several (the services' rule: the place they
        came to is the one that counts)."""
        for slug in slugs:
            if Attendance.objects.filter(person=person, meeting__network__slug=slug).exists():
                continue  # seeded before, or on the alliance's register
            held = (
                Meeting.objects.filter(
                    network__slug=slug,
                    state=Meeting.State.PUBLISHED,
                    starts_at__date__gte=self.september,
                    ends_at__lt=self.now,
                )
                .exclude(kind=Meeting.Kind.URGENT)
                .select_related("series")
                .order_by("starts_at")
            )
            for meeting in _one_session_each(held)[:2]:
                Registration.objects.bulk_create(
                    [Registration(meeting=meeting, person=person, status="going")],
                    ignore_conflicts=True,
                )
                self.record(meeting, [person])

    def record(self, meeting: Meeting, people: list[User]) -> None:
        """Mark the people as came, through the services, and date the new rows to the
        meeting's end."""
        before = set(meeting.attendances.values_list("pk", flat=True))
        for person in people:
            attendance_services.mark_present(meeting=meeting, person=person, by=self.coordinator)
        meeting.attendances.exclude(pk__in=before).update(recorded_at=meeting.ends_at)


@transaction.atomic
def seed_attendance(networks: dict[str, Network], accounts: dict[str, User], log=print) -> None:
    """Registers of meetings held this school year; safe to run again."""
    made = _Seeder(networks, accounts, log).run()
    log(f"Attendance: {made} new on the registers of meetings held this year")
