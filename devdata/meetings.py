"""Demo meetings: each network's real rhythm (docs/product.md, "The networks it is built
for") across this school year.

Called by seed_demo (devdata.demo) with the networks and accounts it made.
Idempotent: a network that already has meetings is left as it is.
"""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.dates import academic_year_of
from meetings import services
from meetings.models import LONDON, Meeting, MeetingSeries, Paper, Registration
from meetings.series import SeriesSpec
from members.models import School, User
from networks.models import Network

MINUTES_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
Kind, Format, Audience = Meeting.Kind, Meeting.Format, Meeting.Audience


def _weekday_on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


class _Seeder:
    def __init__(self, networks, accounts, log):
        self.networks, self.accounts, self.log = networks, accounts, log
        self.today = timezone.localdate()
        self.year = academic_year_of(self.today)
        self.september = datetime.date(self.year, 9, 1)

    def publish(self, meetings):
        # Demo data: published without announcing every meeting by email.
        now = timezone.now()
        for meeting in meetings:
            meeting.state = Meeting.State.PUBLISHED
            meeting.published_at = now
            meeting.save(update_fields=["state", "published_at", "updated_at"])
        return meetings

    def series(self, slug, spec, **fields):
        network = self.networks[slug]
        return self.publish(services.create_series(network=network, by=None, spec=spec, **fields))

    def one(self, slug, **fields):
        network = self.networks[slug]
        return self.publish([services.create_meeting(network=network, by=None, **fields)])[0]

    def spec(self, rule, weekday, start, end, **options):
        return SeriesSpec(
            rule=rule,
            first_date=_weekday_on_or_after(self.september, weekday),
            start_time=datetime.time(*start),
            end_time=datetime.time(*end),
            **options,
        )

    def member_schools(self, slug, sector=None) -> list[School]:
        schools = School.objects.filter(
            posts__person__memberships__network=self.networks[slug],
            posts__person__memberships__status="active",
            posts__ended_on__isnull=True,
        )
        if sector:
            schools = schools.filter(sector=sector)
        return list(schools.distinct().order_by("name")[:4])

    def run(self) -> int:
        made = 0
        for slug, build in [
            ("oxfordshire-primary-heads", self.primary),
            ("osshta", self.osshta),
            ("oassh", self.oassh),
            ("educational-briefings", self.briefings),
            ("heads-up", self.heads_up),
            ("oldham-schools-alliance", self.oldham),
        ]:
            if slug not in self.networks or self.networks[slug].meetings.exists():
                continue
            build()
            made += self.networks[slug].meetings.count()
        self.past_minutes()
        return made

    def primary(self):
        meetings = self.series(
            "oxfordshire-primary-heads",
            self.spec("times_a_year", 2, (16, 0), (17, 30), per_year=6, nth=3),
            title="Network meeting (online)",
            kind=Kind.NETWORK_MEETING,
            format=Format.ONLINE,
            online_url="https://meet.example.org/ophn",
            agenda="1. County update\n2. Headteacher wellbeing\n3. Reps' reports",
            audience=Audience.MEMBERS,
        )
        self.register_next(meetings, "primary.head@example.org")

    def osshta(self):
        schools = self.member_schools("osshta")
        self.series(
            "osshta",
            self.spec("times_a_year", 3, (8, 0), (10, 0), per_year=2, nth=4),
            title="OSSHTA morning meeting",
            kind=Kind.NETWORK_MEETING,
            format=Format.IN_PERSON,
            venue_school=schools[0] if schools else None,
            venue_address="" if schools else "Oxford",
            audience=Audience.MEMBERS,
            agenda="Breakfast from 7.45.\n\n1. Funding\n2. Admissions\n3. Any other business",
        )
        conference_day = _weekday_on_or_after(datetime.date(self.year + 1, 6, 15), 4)
        conference = self.one(
            "osshta",
            title="OSSHTA annual conference",
            kind=Kind.CONFERENCE,
            starts_at=_at(conference_day, 9),
            ends_at=_at(conference_day, 16),
            format=Format.IN_PERSON,
            venue_address="Oxford Conference Centre, Oxford OX1 1AA",
            capacity=120,
            audience=Audience.SIGNED_IN,
            agenda="Keynotes, workshops and the year ahead.",
        )
        self.register(conference, "secondary.head@example.org")
        soon = self.today + datetime.timedelta(days=2)
        self.one(
            "osshta",
            title="WAYDAY: urgent call on the funding announcement",
            kind=Kind.URGENT,
            starts_at=_at(soon, 12, 30),
            ends_at=_at(soon, 13),
            format=Format.ONLINE,
            online_url="https://meet.example.org/osshta-wayday",
            registration_required=False,
        )

    def oassh(self):
        schools = self.member_schools("oassh", School.Sector.SPECIAL)
        self.series(
            "oassh",
            self.spec("half_termly", 1, (9, 30), (12, 0), nth=3, venues=schools),
            title="OASSH half-termly meeting",
            kind=Kind.NETWORK_MEETING,
            format=Format.IN_PERSON,
            venue_address="" if schools else "Oxford",
            audience=Audience.MEMBERS,
        )
        day = _weekday_on_or_after(datetime.date(self.year, 11, 12), 4)
        self.one(
            "oassh",
            title="OASSH autumn conference",
            kind=Kind.CONFERENCE,
            starts_at=_at(day, 9),
            ends_at=_at(day, 15, 30),
            format=Format.IN_PERSON,
            venue_address="Kassam Conference Centre, Oxford OX4 4XP",
            capacity=80,
            audience=Audience.SIGNED_IN,
        )

    def briefings(self):
        network = self.networks["educational-briefings"]
        places = [
            ("Banbury", "Banbury Town Hall, Banbury OX16 5QB"),
            ("Oxford", "County Hall, Oxford OX1 1ND"),
            ("Didcot", "Cornerstone, Didcot OX11 7NE"),
        ]
        for term, month in [("Autumn", 10), ("Spring", 3), ("Summer", 6)]:
            year = self.year if month >= 9 else self.year + 1
            first = _weekday_on_or_after(datetime.date(year, month, 2), 1)
            group = MeetingSeries.objects.create(
                network=network,
                rule=MeetingSeries.Rule.SESSIONS,
                description=f"{term} briefing for heads and chairs of governors",
            )
            for offset, (town, address) in enumerate(places):
                day = first + datetime.timedelta(days=offset)
                meeting = self.one(
                    "educational-briefings",
                    title=f"{term} briefing for heads and chairs of governors ({town})",
                    kind=Kind.BRIEFING,
                    starts_at=_at(day, 17, 30),
                    ends_at=_at(day, 19, 30),
                    format=Format.IN_PERSON,
                    venue_address=address,
                    capacity=3 if (term, town) == ("Summer", "Didcot") else 60,
                    audience=Audience.SIGNED_IN,
                )
                meeting.series = group
                meeting.save(update_fields=["series"])
                if meeting.capacity == 3:
                    self.fill(meeting)

    def heads_up(self):
        calls = self.series(
            "heads-up",
            self.spec("weekly", 3, (19, 0), (20, 0), skip_holidays=True),
            title="Heads Up weekly network call",
            kind=Kind.NETWORK_CALL,
            format=Format.ONLINE,
            online_url="https://meet.example.org/heads-up",
            registration_required=False,
            audience=Audience.MEMBERS,
        )
        upcoming = [call for call in calls if call.starts_at > timezone.now()]
        if upcoming:
            services.cancel_meeting(
                meeting=upcoming[min(2, len(upcoming) - 1)],
                reason="No call this week: the coaches are at the national conference.",
                notify=False,
            )
        day = self.today + datetime.timedelta(days=10)
        self.one(
            "heads-up",
            title="Themed call: leading through an Ofsted inspection",
            kind=Kind.NETWORK_CALL,
            starts_at=_at(day, 19),
            ends_at=_at(day, 20, 15),
            format=Format.ONLINE,
            online_url="https://meet.example.org/heads-up-themed",
            capacity=40,
            audience=Audience.SIGNED_IN,
        )

    def oldham(self):
        alliance = self.networks["oldham-schools-alliance"]
        schools = self.member_schools("oldham-schools-alliance")
        for workhub in alliance.workhubs.filter(academic_year=self.year):
            self.series(
                "oldham-schools-alliance",
                self.spec("times_a_year", 2, (13, 30), (15, 30), per_year=3, nth=2),
                title=f"{workhub.name} workhub meeting",
                kind=Kind.WORKSHOP,
                workhub=workhub,
                format=Format.IN_PERSON,
                venue_school=schools[0] if schools else None,
                venue_address="" if schools else "Oldham Civic Centre, Oldham OL1 1UT",
                audience=Audience.MEMBERS,
            )

    def register(self, meeting, email):
        person = self.accounts.get(email)
        if person is not None and meeting.takes_registrations:
            services.register(meeting=meeting, person=person, confirm=False)

    def register_next(self, meetings, email):
        upcoming = [meeting for meeting in meetings if not meeting.is_past]
        if upcoming:
            self.register(upcoming[0], email)

    def fill(self, meeting):
        """Fill the places and put one more on the waiting list."""
        people = User.objects.filter(
            memberships__network=meeting.network, memberships__status="active"
        ).order_by("pk")[: meeting.capacity + 1]
        for person in people:
            if meeting.takes_registrations:
                services.register(meeting=meeting, person=person, confirm=False)

    def past_minutes(self):
        past = Meeting.objects.filter(
            network__in=self.networks.values(),
            state=Meeting.State.PUBLISHED,
            ends_at__lt=timezone.now(),
            papers__isnull=True,
        ).exclude(kind=Kind.URGENT)
        for meeting in past:
            paper = Paper(
                meeting=meeting,
                kind=Paper.Kind.MINUTES,
                title=f"Minutes, {meeting.local_start:%d %B %Y}",
                original_name=f"minutes-{meeting.local_start:%Y-%m-%d}.pdf",
                content_type="application/pdf",
                size=len(MINUTES_PDF),
            )
            paper.file.save("minutes", ContentFile(MINUTES_PDF), save=False)
            paper.save()
            people = User.objects.filter(
                memberships__network=meeting.network, memberships__status="active"
            )[:3]
            Registration.objects.bulk_create(
                [Registration(meeting=meeting, person=person, status="going") for person in people],
                ignore_conflicts=True,
            )


@transaction.atomic
def seed_meetings(networks: dict[str, Network], accounts: dict[str, User], log=print) -> None:
    """Each network's meetings across the current academic year; safe to run again."""
    made = _Seeder(networks, accounts, log).run()
    log(f"Meetings: {made} new")
