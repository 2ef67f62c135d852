"""Demo registers (issue 24): meetings held this school year with who came to them.

The Oldham Schools Alliance meets termly as a partnership: its partnership meetings held
so far this year have registers with some of its member schools and not others, so its
participation report has schools not seen this year at its top. The demo heads
(primary.head@, secondary.head@, oldham.head@) came to a few meetings, across two networks
for the Oxfordshire heads, so their CPD record and certificates have something in them.

Attendance has no service to mark a register yet, so the rows are written here directly
(how: marked on the register, for the person's school). Idempotent: a meeting that has a
register already is left as it is, and the alliance's partnership meetings are made once.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from attendance.models import Attendance
from core.dates import academic_year_of
from meetings import services
from meetings.models import LONDON, Meeting, Registration
from members.models import School, User
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


class _Seeder:
    def __init__(self, networks: dict[str, Network], accounts: dict[str, User], log):
        self.networks, self.accounts, self.log = networks, accounts, log
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.september = datetime.date(academic_year_of(self.today), 9, 1)
        self.coordinator = (
            Membership.objects.active()
            .filter(network__slug=ALLIANCE, role=Membership.Role.ADMINISTRATOR)
            .values_list("person", flat=True)
            .first()
        )
        self.made = 0

    def run(self) -> int:
        alliance = self.networks.get(ALLIANCE)
        if alliance is not None:
            self.partnership_meetings(alliance)
            self.alliance_registers(alliance)
        for email, slugs in DEMO_HEADS.items():
            person = self.accounts.get(email)
            if person is not None:
                self.came(person, slugs)
        return self.made

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
        school_of = {seat.person_id: seat.school for seat in seats}
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
                    if person.pk in school_of
                ] or [
                    others[number % len(others)].holder,
                    others[(number + 1) % len(others)].holder,
                ]
                came = people
            places = [
                Registration(meeting=meeting, person=person, status="going") for person in people
            ]
            Registration.objects.bulk_create(places, ignore_conflicts=True)
            self.record(meeting, [(person, school_of[person.pk]) for person in came])

    def came(self, person: User, slugs: list[str]) -> None:
        """The person came to up to two meetings held this year in each of the networks."""
        post = person.current_post
        school = post.school if post else None
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
                .order_by("starts_at")[:2]
            )
            for meeting in held:
                Registration.objects.bulk_create(
                    [Registration(meeting=meeting, person=person, status="going")],
                    ignore_conflicts=True,
                )
                self.record(meeting, [(person, school)])

    def record(self, meeting: Meeting, people: list[tuple[User, School | None]]) -> None:
        rows = Attendance.objects.bulk_create(
            [
                Attendance(
                    meeting=meeting,
                    person=person,
                    school=school,
                    how=Attendance.How.MARKED,
                    recorded_by_id=self.coordinator,
                    recorded_at=meeting.ends_at,
                )
                for person, school in people
            ],
            ignore_conflicts=True,
        )
        self.made += len(rows)


@transaction.atomic
def seed_attendance(networks: dict[str, Network], accounts: dict[str, User], log=print) -> None:
    """Registers of meetings held this school year; safe to run again."""
    made = _Seeder(networks, accounts, log).run()
    log(f"Attendance: {made} new on the registers of meetings held this year")
