"""England-sized data for benchmarks (docs/architecture.md, "Speed"), made by
`manage.py seed_scale`.

At scale 1.0: about 24,000 schools in 153 local authorities, 30,000 people, about
320 networks, 20,000 meetings with their registrations, fees, articles, mentoring and
leaders. Everything comes from one random.Random(seed) and is written with bulk
inserts: nothing is emailed, no audit event is written and no service is called per
row, so the run takes seconds rather than hours. The schools go through
import_schools from a register file generated here, as a real register would.

The same seed on the same day gives the same data (dates are relative to today).
"""

import csv
import datetime
import hashlib
import io
import random
import re
import time
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import batched

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from announcements.models import Announcement
from articles.models import Article, Story, StoryInbox
from core import pagecache
from core.dates import academic_year_label, academic_year_of
from core.markdown import render_markdown
from discussions.models import Post as DiscussionPost
from discussions.models import Thread
from fees.models import FeeBand, FeeInvoice, FeeScheme, YearKind
from fees.years import fee_year_of
from leaders.models import Listing
from meetings.models import LONDON, CalendarFeed, Meeting, MeetingSeries, Registration
from meetings.terms import ensure_academic_year
from members import gias
from members.models import Designation, LocalAuthority, Post, School, User
from members.school_import import import_schools
from networks.models import Membership, Network, NetworkPurpose, Workhub, WorkhubMembership
from support.models import (
    Broker,
    Coach,
    MentoringScheme,
    MentorOffer,
    MentorRequest,
    Pairing,
    SupportRequest,
)
from voice.models import Ballot, BallotChoice, Decision, Option, Poll, VoteRecord

DATA = settings.BASE_DIR / "data"
# The synthetic register file's first line: the live download's 135 column names.
REGISTER_TEMPLATE = DATA / "gias-synthetic-oxon-oldham-essex.csv"

SCHOOLS, PEOPLE, MEETINGS = 24_000, 30_000, 20_000
BATCH = 2_000
LARGEST_SLUG = "england-heads"
DEFAULT_PASSWORD = "headnet-bench"  # noqa: S105 (benchmark data, like seed_demo's)

# The accounts a benchmark signs in with: (email, first name, last name, what they are).
MEMBER = "bench-member@example.org"
ADMIN = "bench-admin@example.org"
HEAD = "bench-head@example.org"
STAFF = "bench-staff@example.org"
KNOWN_ACCOUNTS = {
    MEMBER: ("Beatrice", "Benchley", f"verified primary head; member of {LARGEST_SLUG}"),
    ADMIN: ("Adrian", "Benchley", f"administrator of {LARGEST_SLUG} (admin site)"),
    HEAD: ("Hannah", "Benchley", "verified primary head; member of nothing"),
    STAFF: ("Simon", "Benchley", "site staff (superuser)"),
}

HEADS = [str(role) for role in Post.HEAD_ROLES]
R, S, K, J = Post.Role, School.Sector, Network.Kind, Network.JoinPolicy

# What England's register holds, roughly: (weight, phase, type, type group, pupils).
SCHOOL_KINDS = [
    (30, "Primary", "Community school", "Local authority maintained schools", (40, 460)),
    (22, "Primary", "Academy converter", "Academies", (80, 630)),
    (9, "Primary", "Voluntary aided school", "Local authority maintained schools", (60, 420)),
    (8, "Primary", "Voluntary controlled school", "Local authority maintained schools", (40, 300)),
    (6, "Primary", "Academy sponsor led", "Academies", (120, 630)),
    (7, "Secondary", "Academy converter", "Academies", (600, 1900)),
    (3, "Secondary", "Academy sponsor led", "Academies", (500, 1600)),
    (2, "Secondary", "Community school", "Local authority maintained schools", (500, 1400)),
    (1, "Secondary", "Free schools", "Free Schools", (300, 1200)),
    (1, "All-through", "Academy sponsor led", "Academies", (900, 2400)),
    (2, "Not applicable", "Community special school", "Special schools", (40, 260)),
    (2, "Not applicable", "Academy special converter", "Academies", (40, 260)),
    (
        1.5,
        "Nursery",
        "Local authority nursery school",
        "Local authority maintained schools",
        (40, 140),
    ),
    (1.5, "Not applicable", "Pupil referral unit", "Local authority maintained schools", (10, 90)),
    (1.5, "16 plus", "Academy 16-19 converter", "Academies", (400, 2500)),
    (5, "Not applicable", "Other independent school", "Independent schools", (30, 900)),
]
SUFFIX = {
    "Primary": [
        "Primary School",
        "Primary Academy",
        "C of E Primary School",
        "Infant School",
        "Junior School",
        "Community Primary School",
    ],
    "Secondary": ["High School", "Academy", "School", "Community College", "Grammar School"],
    "All-through": ["All-Through School", "Academy"],
    "Nursery": ["Nursery School"],
    "16 plus": ["Sixth Form College"],
}
PLACE_STARTS = [
    "Ash",
    "Bram",
    "Cress",
    "Dun",
    "Elm",
    "Fern",
    "Glen",
    "Hart",
    "Ivy",
    "Kings",
    "Lang",
    "Marl",
    "Nor",
    "Oak",
    "Pen",
    "Quarry",
    "Rose",
    "Stan",
    "Thorn",
    "Upton",
    "Wes",
    "Whit",
    "Bright",
    "Chal",
    "Hol",
    "Mill",
    "Red",
    "Sand",
    "Wood",
    "Brock",
]
PLACE_ENDS = [
    "bury",
    "field",
    "ford",
    "ham",
    "ley",
    "wick",
    "ton",
    "well",
    "combe",
    "dale",
    "moor",
    "bridge",
    "stead",
    "worth",
    "brook",
    "hurst",
    "den",
    "by",
]
FIRST_NAMES = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Ellen",
    "Farid",
    "Grace",
    "Hugh",
    "Imogen",
    "Jonah",
    "Kiran",
    "Laura",
    "Marcus",
    "Nadia",
    "Owen",
    "Priya",
    "Quentin",
    "Rosa",
    "Sam",
    "Tessa",
    "Uma",
    "Victor",
    "Wendy",
    "Yusuf",
    "Zara",
    "Aled",
    "Bronwen",
    "Ciaran",
    "Deborah",
    "Emeka",
    "Fiona",
    "Gareth",
    "Hana",
    "Ian",
    "Joy",
    "Kwame",
    "Lucy",
    "Mohammed",
    "Niamh",
    "Oliver",
    "Patrice",
    "Ruth",
    "Siobhan",
    "Tom",
    "Valerie",
    "William",
    "Aisha",
    "Chidi",
    "Elena",
    "José",
    "Zoë",
    "Renée",
]
LAST_NAMES = [
    "Abbott",
    "Bhatt",
    "Carver",
    "Dunmore",
    "Ellery",
    "Fenwick",
    "Gallagher",
    "Hale",
    "Iqbal",
    "Jessop",
    "Kendrick",
    "Lowther",
    "Mbeki",
    "Northcott",
    "Okafor",
    "Pennington",
    "Quayle",
    "Rahman",
    "Stewart",
    "Thompson",
    "Underwood",
    "Vaughan",
    "Walsh",
    "Yates",
    "Ahmed",
    "Brennan",
    "Chowdhury",
    "Davies",
    "Evans",
    "Foster",
    "Green",
    "Hughes",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "O'Connor",
    "Patel",
    "Roberts",
    "Singh",
    "Taylor",
    "Williams",
    "Wright",
    "Young",
    "Brontë",
]
TITLES = ["Mrs", "Mr", "Ms", "Dr", "Miss", ""]
WORKHUB_NAMES = [
    "Attendance",
    "Early Reading",
    "SEND",
    "Leadership and Wellbeing",
    "Finance",
    "Transition",
    "Safeguarding",
    "Teaching and Learning",
    "Curriculum",
]
SLOTS = [(8, 0, 120), (9, 30, 150), (13, 30, 120), (16, 0, 90), (19, 0, 60)]  # hour, minute, length
MEETING_KINDS = {
    K.BRIEFING_SERIES: Meeting.Kind.BRIEFING,
    K.SUPPORT_NETWORK: Meeting.Kind.NETWORK_CALL,
    K.WORKING_GROUP: Meeting.Kind.WORKSHOP,
}
AGENDAS = [
    "1. Welcome and apologies\n2. Local authority update\n3. Funding\n4. Any other business",
    "1. Admissions and place planning\n2. **Attendance** data\n3. Reps' reports",
    "Breakfast from 7.45.\n\n1. Inspection round-up\n2. Recruitment\n3. Wellbeing",
    "A keynote, then workshops:\n\n- curriculum\n- SEND\n- finance\n\nLunch provided.",
    "Short online call: one item, the latest announcement, and what we say together.",
    "",
]
ARTICLE_TOPICS = [
    "Flexible working",
    "The first year of headship",
    "Attendance after the pandemic",
    "Funding the next three years",
    "What inspection should look for",
    "Recruiting and keeping teachers",
    "Leading a small school",
    "Special educational needs in mainstream",
    "Heads' wellbeing",
    "Working with governors",
    "Curriculum that fits the place",
    "Trusts and local authorities",
]
ARTICLE_BODY = (
    "Every head we spoke to said the same thing first: **time**.\n\n"
    "## What we found\n\n- Schools that plan together spend less.\n"
    "- Heads who are supported stay longer.\n- Small changes, kept up, beat big plans.\n\n"
    "We will keep writing as the work goes on, and we welcome replies from every member."
)

# Announcements, polls and threads: a few texts each, rendered once (_html_of).
ANNOUNCEMENT_SUBJECTS = [
    "Agenda and papers for the next meeting",
    "Consultation: your views by the end of term",
    "Funding update from the department",
    "Inspection round-up: what colleagues have seen",
    "Recruitment: shared adverts this term",
    "Conference: booking is open",
    "Wellbeing: support for heads this half term",
    "Attendance data: what the figures show",
    "Snow and ice: tell the local authority of any closure",
    "Minutes of the last meeting",
]
ANNOUNCEMENT_BODIES = [
    "The agenda and papers are on the network's page. Please read them before we meet, "
    "and send anything you want raised through the contact form.",
    "We will send **one response** for all our members. Please send us your views, and any "
    "figures that support them, through the contact form by the end of term.\n\n"
    "We will share a draft before it goes.",
    "The department has published next year's allocations.\n\n- Most schools see a small "
    "rise.\n- Small schools should check the lump sum.\n\nWe will discuss it at the next "
    "meeting.",
]
POLL_TOPICS = [
    "Should we respond jointly to the funding consultation?",
    "Which day suits the regional meetings best?",
    "Which themes for next year's conference?",
    "What should we raise with the department this term?",
    "Do we support the proposed changes to the school calendar?",
    "Should the network publish its position on inspection?",
]
POLL_TEXT = (
    "The network decides together. Read the papers on the network's page, then vote "
    "before the poll closes: **one vote each**."
)
POLL_OPTIONS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
BENCHED_POLL_TITLE = "Which of these should the network press for first?"
BENCHED_POLL_OPTIONS = [
    "Fair funding for small schools",
    "Fewer, better inspections",
    "Help to recruit and keep teachers",
    "Support for pupils with special educational needs",
]
DECISION_TEXT = (
    "The network agreed the proposal and will act on it this term; the coordinators "
    "report back at the next meeting."
)
THREAD_TITLES = [
    "Supply cover: which agencies are you using?",
    "Preparing for inspection under the new framework",
    "Attendance: what has worked for you?",
    "Budget setting with falling rolls",
    "Recruiting a deputy head",
    "Wellbeing: how do you switch off?",
    "Working with a new chair of governors",
    "Phones in school: your policies",
]
POST_BODIES = [
    "We tried this last year and it worked well: happy to share our plan.",
    "Has anyone had the same experience? I would be **grateful** for any advice.",
    "Our local authority has a template for this; I can send it to anyone who asks.",
    "Thank you, that is really helpful.\n\n- We will try it next term.\n- I will report back.",
    "We do it differently: one member of staff leads it, with a termly review by governors.",
]


@dataclass
class SchoolRow:
    """A school as planned for the register file; pk once imported."""

    urn: int
    la: int
    phase: str
    type_name: str
    group: str
    status: str
    name: str
    town: str
    pupils: int
    head: tuple[str, str, str] | None = None  # the register's head: title, first, last
    pk: int = 0
    # What import_schools derives from the row, worked out once here the same way.
    sector: str = field(init=False)
    state_funded: bool = field(init=False)
    is_open: bool = field(init=False)

    def __post_init__(self):
        self.sector = gias.sector_for(gias.PHASES[self.phase], self.type_name)
        self.state_funded = gias.state_funded_for(self.type_name, self.group)
        self.is_open = gias.STATUSES[self.status] != School.Status.CLOSED


@dataclass
class PersonRow:
    """A person as planned, with their posts; pk once inserted."""

    email: str
    title: str
    first: str
    last: str
    # (school index, role, started, ended, verified)
    posts: list[tuple[int, str, datetime.date, datetime.date | None, bool]] = field(
        default_factory=list
    )
    pk: int = 0


@dataclass
class NetworkSpec:
    """A network to make, with its rules and how many of the eligible join it."""

    slug: str
    name: str
    kind: str
    join_policy: str
    basis: str = Network.Basis.PERSON
    short_name: str = ""
    areas: list[int] = field(default_factory=list)  # LA indexes
    sectors: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=lambda: list(HEADS))
    state_funded_only: bool = False
    open_to_all: bool = False
    parent: str = ""
    requires_parent_membership: bool = False
    audience: str = ""
    fee_pence: int | None = None
    banded: bool = False
    share: float = 0.7  # of the eligible who are members
    weight: float = 1.0  # of the meetings it holds
    rhythm: str = "Termly"
    pk: int = 0


@dataclass
class Report:
    """What a run made: seconds per part, counts, the known accounts' calendar feeds."""

    timings: list[tuple[str, float]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    feeds: dict[str, str] = field(default_factory=dict)


class ScaleSeeder:
    """Fills an empty database; the command checks that it is empty and may be filled."""

    def __init__(
        self, *, seed: int = 1, scale: float = 1.0, password: str = DEFAULT_PASSWORD, log=print
    ):
        if scale <= 0:
            raise ValueError("scale must be above 0.")
        # Reproducible data, not secrets: the same seed must give the same data.
        self.rng = random.Random(seed)  # noqa: S311
        self.scale = scale
        self.password = password
        self.log = log
        self.now = timezone.now()
        self.today = timezone.localdate()
        # What the later parts date things from: the same all day, so the same seed gives
        # the same times.
        self.midnight = datetime.datetime.combine(
            self.today, datetime.time(), tzinfo=timezone.get_current_timezone()
        )
        self.year = academic_year_of(self.today)
        self.report = Report()
        self._html: dict[str, str] = {}

    # Running -------------------------------------------------------------------------

    def run(self) -> Report:
        parts = [
            ("schools", self.schools),
            ("people", self.people),
            ("networks", self.networks),
            ("memberships", self.memberships),
            ("workhubs", self.workhubs),
            ("meetings", self.meetings),
            ("registrations", self.registrations),
            ("fees", self.fees),
            ("articles", self.articles),
            ("support", self.support),
            ("leaders", self.leaders),
            ("accounts", self.accounts),
            # After everything above, so adding them left the earlier parts' data as it was.
            ("announcements", self.announcements),
            ("voice", self.voice),
            ("discussions", self.discussions),
        ]
        with transaction.atomic():
            for name, part in parts:
                self._timed(name, part)
            pagecache.invalidate(pagecache.SITE)  # bulk inserts send no model signals
        self._timed("analyze", self.analyze)
        return self.report

    def _timed(self, name, part) -> None:
        started = time.perf_counter()
        detail = part()
        seconds = time.perf_counter() - started
        self.report.timings.append((name, seconds))
        self.log(f"{name:>13}: {seconds:6.1f} s  {detail or ''}")

    def _count(self, name: str, number: int) -> str:
        self.report.counts[name] = number
        return f"{number:,} {name}"

    def _html_of(self, text: str) -> str:
        # Rendered once per distinct text: bulk inserts skip the models' save().
        if text not in self._html:
            self._html[text] = render_markdown(text)
        return self._html[text]

    def _n(self, full_size: int, minimum: int = 1) -> int:
        return max(minimum, round(full_size * self.scale))

    def _days_ago(self, low: int, high: int) -> datetime.datetime:
        return self.now - datetime.timedelta(
            days=self.rng.randint(low, high), minutes=self.rng.randint(0, 1440)
        )

    # Schools -------------------------------------------------------------------------

    def schools(self) -> str:
        with open(DATA / "local-authorities.csv", encoding="utf-8", newline="") as file:
            authorities = [(row["code"], row["name"]) for row in csv.DictReader(file)]
        count = min(len(authorities), self._n(len(authorities), minimum=4))
        self.las = sorted(self.rng.sample(authorities, count))
        rng = self.rng
        weights = [kind[0] for kind in SCHOOL_KINDS]
        kinds = rng.choices(SCHOOL_KINDS, weights=weights, k=self._n(SCHOOLS, minimum=40))
        self.school_rows: list[SchoolRow] = []
        urns = rng.sample(range(100_000, 160_000), len(kinds))
        for number, (kind, urn) in enumerate(zip(kinds, urns, strict=True)):
            _, phase, type_name, group, (low, high) = kind
            town = rng.choice(PLACE_STARTS) + rng.choice(PLACE_ENDS)
            if phase in SUFFIX:
                suffix = rng.choice(SUFFIX[phase])
            elif "special" in type_name:
                suffix = "Special School"
            elif "referral" in type_name:
                suffix = "Pupil Referral Unit"
            else:
                suffix = "School"
            saint = rng.random() < 0.08
            name = f"St Mary’s {suffix}" if saint else f"{town} {suffix}"
            status = rng.choices(
                ["Open", "Closed", "Open, but proposed to close", "Proposed to open"],
                weights=[92, 6, 1, 1],
            )[0]
            self.school_rows.append(
                SchoolRow(
                    urn=urn,
                    la=number % len(self.las),
                    phase=phase,
                    type_name=type_name,
                    group=group,
                    status=status,
                    name=name,
                    town=town,
                    pupils=rng.randint(low, high),
                )
            )
        self._plan_people()
        report = import_schools(io.BytesIO(self.register_file()))
        if report.rejections:
            raise AssertionError(f"The generated register has bad rows: {report.rejections[:3]}")
        ids = dict(School.objects.values_list("urn", "pk"))
        for school in self.school_rows:
            school.pk = ids[school.urn]
        la_ids = dict(LocalAuthority.objects.values_list("code", "pk"))
        self.la_pks = [la_ids[code] for code, _ in self.las]
        self.report.counts["local authorities"] = len(self.las)
        return self._count("schools", report.created + report.closed)

    def register_file(self) -> bytes:
        """The schools as the register publishes them: Windows-1252, CRLF, its columns,
        every text quoted and bare integers not."""
        with open(REGISTER_TEMPLATE, encoding="cp1252", newline="") as file:
            header = next(csv.reader(file))
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
        writer.writerow(header)
        blank = dict.fromkeys(header, "")
        for school in self.school_rows:
            code, la_name = self.las[school.la]
            title, first, last = school.head or ("", "", "")
            slug = slugify(school.name.replace("’", ""))
            row = blank | {
                "URN": school.urn,
                "LA (code)": code,
                "LA (name)": la_name,
                "EstablishmentName": school.name,
                "TypeOfEstablishment (name)": school.type_name,
                "EstablishmentTypeGroup (name)": school.group,
                "EstablishmentStatus (name)": school.status,
                "PhaseOfEducation (name)": school.phase,
                "NumberOfPupils": school.pupils,
                "Town": school.town,
                "Postcode": f"ZZ{school.urn % 97} {school.urn % 9}XX",
                "SchoolWebsite": f"https://www.{slug}-{school.urn}.example/",
                "TelephoneNum": f"0{1000000000 + school.urn}",
                "HeadTitle (name)": title,
                "HeadFirstName": first,
                "HeadLastName": last,
            }
            writer.writerow(row.values())
        return out.getvalue().encode("cp1252")

    # People ----------------------------------------------------------------------------

    def _name(self) -> tuple[str, str, str]:
        return (self.rng.choice(TITLES), self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES))

    def _email(self, first: str, last: str, number: int) -> str:
        def plain(name: str) -> str:
            ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
            return re.sub(r"[^a-z]", "", ascii_name.lower())

        return f"{plain(first)}.{plain(last)}.{number}@example.org"

    def _started(self, new: bool) -> datetime.date:
        days = self.rng.randint(30, 700) if new else self.rng.randint(731, 7000)
        return self.today - datetime.timedelta(days=days)

    def _plan_people(self) -> None:
        """Who is who, decided before the register is written: it names the schools' heads."""
        self.people_rows: list[PersonRow] = []
        self.open_state = [
            i for i, school in enumerate(self.school_rows) if school.is_open and school.state_funded
        ]
        taken = self._plan_known()
        self._plan_heads(taken)
        # One local authority officer in each area, at a school there.
        for la in range(len(self.las)):
            schools = [i for i in self.open_state if self.school_rows[i].la == la]
            if schools:
                person = self._add_person()
                person.posts.append((schools[-1], R.LA_OFFICER, self._started(False), None, True))
        # Everyone else: deputies, business leaders, chairs of governors, and a few with no
        # post (past and future heads).
        others = self.rng.choices(
            [R.SENIOR_LEADER, R.BUSINESS_LEADER, R.CHAIR_OF_GOVERNORS, ""],
            weights=[55, 20, 15, 10],
            k=max(0, self._n(PEOPLE) - len(self.people_rows)),
        )
        for role in others:
            person = self._add_person()
            if role:
                started = self._started(self.rng.random() < 0.2)
                verified = self.rng.random() < 0.8
                school = self.rng.choice(self.open_state)
                person.posts.append((school, role, started, None, verified))

    def _add_person(self, email: str = "", name: tuple[str, str, str] | None = None) -> PersonRow:
        title, first, last = name or self._name()
        email = email or self._email(first, last, len(self.people_rows))
        person = PersonRow(email=email, title=title, first=first, last=last)
        self.people_rows.append(person)
        return person

    def _plan_known(self) -> set[int]:
        """The benchmark's accounts; three head primary schools of the first area."""
        primaries = [
            i
            for i in self.open_state
            if self.school_rows[i].la == 0 and self.school_rows[i].sector == S.PRIMARY
        ]
        self.known = {
            email: self._add_person(email, ("Dr", first, last))
            for email, (first, last, _) in KNOWN_ACCOUNTS.items()
        }
        taken = set(primaries[:3])
        for email, school in zip((MEMBER, HEAD, ADMIN), primaries, strict=False):
            self._headship(self.known[email], school, R.HEADTEACHER, new=False, verified=True)
        return taken

    def _plan_heads(self, taken: set[int]) -> None:
        """Most open schools' heads, a few of them new and a few unconfirmed."""
        rng = self.rng
        independent = [
            i
            for i, school in enumerate(self.school_rows)
            if school.is_open and not school.state_funded
        ]
        for index, share in [(i, 0.85) for i in self.open_state] + [(i, 0.3) for i in independent]:
            if index in taken or rng.random() > share:
                continue
            person = self._add_person()
            role = rng.choices(HEADS, weights=[85, 5, 5, 5])[0]
            self._headship(
                person, index, role, new=rng.random() < 0.12, verified=rng.random() < 0.9
            )
            if rng.random() < 0.05:
                # A deputy headship somewhere else, before this one.
                started = self._started(new=False) - datetime.timedelta(days=2000)
                ended = started + datetime.timedelta(days=1500)
                school = rng.choice(self.open_state)
                person.posts.append((school, R.SENIOR_LEADER, started, ended, True))

    def _headship(self, person: PersonRow, school: int, role: str, *, new: bool, verified: bool):
        person.posts.append((school, role, self._started(new), None, verified))
        if verified:
            # The register names its heads: a verified head is the one it names.
            self.school_rows[school].head = (person.title, person.first, person.last)

    def people(self) -> str:
        password = make_password(self.password)  # once: 30,000 slow hashes take hours
        users = [
            User(
                email=row.email,
                password=password,
                title=row.title,
                first_name=row.first,
                last_name=row.last,
                date_joined=self._days_ago(30, 2000),
                is_staff=row.email == STAFF,
                is_superuser=row.email == STAFF,
            )
            for row in self.people_rows
        ]
        for chunk in batched(users, BATCH, strict=False):
            User.objects.bulk_create(chunk)
        for row, user in zip(self.people_rows, users, strict=True):
            row.pk = user.pk
        self.person_by_pk = {row.pk: row for row in self.people_rows}
        EmailAddress.objects.bulk_create(
            (
                EmailAddress(user_id=row.pk, email=row.email, primary=True, verified=True)
                for row in self.people_rows
            ),
            batch_size=BATCH,
        )
        posts = []
        for row in self.people_rows:
            for school, role, started, ended, verified in row.posts:
                decided = {"verification": Post.Verification.UNVERIFIED, "verified_how": ""}
                if verified:
                    # Confirmed by staff: the people have no address at their school's
                    # domain, so no evidence could have verified them automatically.
                    decided = {
                        "verification": Post.Verification.VERIFIED,
                        "verified_how": Post.How.SITE_STAFF,
                        "decided_at": self.now,
                    }
                posts.append(
                    Post(
                        person_id=row.pk,
                        school_id=self.school_rows[school].pk,
                        role=role,
                        started_on=started,
                        ended_on=ended,
                        **decided,
                    )
                )
        Post.objects.bulk_create(posts, batch_size=BATCH)
        self.report.counts["posts"] = len(posts)
        return f"{self._count('people', len(users))}, {len(posts):,} posts"

    # Networks --------------------------------------------------------------------------

    def network_specs(self) -> list[NetworkSpec]:
        rng = self.rng
        specs = [
            NetworkSpec(
                LARGEST_SLUG,
                "Heads of England",
                K.SUPPORT_NETWORK,
                J.OPEN,
                roles=[*HEADS, R.SENIOR_LEADER],
                share=0.92,
                weight=80,
                audience="Open to heads and senior leaders anywhere in England",
                rhythm="Weekly online calls; regional meetings; an annual conference",
            ),
            NetworkSpec(
                "england-heads-new-heads",
                "Heads of England: New Heads",
                K.WORKING_GROUP,
                J.OPEN,
                parent=LARGEST_SLUG,
                requires_parent_membership=True,
                share=0.05,
                weight=3,
            ),
            NetworkSpec(
                "england-heads-wellbeing",
                "Heads of England: Wellbeing Circle",
                K.WORKING_GROUP,
                J.APPROVAL,
                parent=LARGEST_SLUG,
                requires_parent_membership=True,
                share=0.02,
                weight=3,
            ),
            NetworkSpec(
                "national-heads-roundtable",
                "National Heads' Roundtable",
                K.WORKING_GROUP,
                J.INVITATION,
                share=0.003,
                weight=2,
            ),
            NetworkSpec(
                "executive-heads-forum",
                "Executive Heads' Forum",
                K.WORKING_GROUP,
                J.APPROVAL,
                roles=[R.EXECUTIVE_HEAD],
                share=0.6,
                weight=2,
            ),
            NetworkSpec(
                "national-special-heads",
                "National Special School Heads",
                K.SPECIAL,
                J.OPEN,
                sectors=[S.SPECIAL],
                share=0.5,
                weight=3,
            ),
            NetworkSpec(
                "school-business-leaders",
                "School Business Leaders Network",
                K.SUPPORT_NETWORK,
                J.OPEN,
                roles=[R.BUSINESS_LEADER],
                share=0.5,
            ),
            NetworkSpec(
                "heads-anywhere",
                "Heads Anywhere",
                K.SUPPORT_NETWORK,
                J.OPEN,
                open_to_all=True,
                roles=[],
                share=0.05,
                weight=2,
                audience="Open to heads past, present and future, anywhere",
            ),
        ]
        for index, (_code, name) in enumerate(self.las):
            slug = slugify(name)
            area = [index]
            specs.append(
                NetworkSpec(
                    f"{slug}-primary-heads",
                    f"{name} Primary Headteachers' Network",
                    K.PRIMARY,
                    J.APPROVAL if index % 4 == 3 else J.OPEN,
                    areas=area,
                    sectors=[S.PRIMARY],
                    share=0.75,
                    rhythm="Six times a year, online",
                )
            )
            if index % 2 == 0:
                specs.append(
                    NetworkSpec(
                        f"{slug}-secondary-heads",
                        f"{name} Secondary Headteachers' Association",
                        K.SECONDARY,
                        J.AUTOMATIC if index % 4 == 0 else J.APPROVAL,
                        basis=Network.Basis.SCHOOL,
                        areas=area,
                        sectors=[S.SECONDARY, S.ALL_THROUGH],
                        state_funded_only=True,
                        fee_pence=rng.choice([30000, 45000, 60000]),
                        share=0.85,
                        rhythm="Two morning meetings a year and an annual conference",
                    )
                )
                if index % 20 == 0:
                    specs.append(
                        NetworkSpec(
                            f"{slug}-secondary-coordinating-group",
                            f"{name} Secondary Heads' Coordinating Group",
                            K.WORKING_GROUP,
                            J.OPEN,
                            areas=area,
                            parent=f"{slug}-secondary-heads",
                            requires_parent_membership=True,
                            share=0.4,
                            weight=0.5,
                        )
                    )
            if index % 6 == 0:
                parent = f"{slug}-special-heads"
                specs.append(
                    NetworkSpec(
                        parent,
                        f"{name} Association of Special School Headteachers",
                        K.SPECIAL,
                        J.OPEN,
                        basis=Network.Basis.SCHOOL,
                        areas=area,
                        sectors=[S.SPECIAL],
                        fee_pence=20000,
                        banded=True,
                        share=0.8,
                        rhythm="Every half term, at member schools in rotation",
                    )
                )
                if index % 12 == 0:
                    specs.append(
                        NetworkSpec(
                            f"{slug}-special-deputies",
                            f"{name} Special Schools Deputies Group",
                            K.WORKING_GROUP,
                            J.OPEN,
                            areas=area,
                            parent=parent,
                            sectors=[S.SPECIAL],
                            roles=[R.SENIOR_LEADER],
                            share=0.6,
                            weight=0.5,
                        )
                    )
            if index % 10 == 1:
                specs.append(
                    NetworkSpec(
                        f"{slug}-schools-alliance",
                        f"{name} Schools Alliance",
                        K.ALLIANCE,
                        J.AUTOMATIC,
                        basis=Network.Basis.SCHOOL,
                        areas=area,
                        sectors=[S.PRIMARY, S.SECONDARY],
                        share=1.0,
                        weight=2,
                        rhythm="Termly partnership meetings; workhubs between them",
                    )
                )
            if index % 15 == 2:
                specs.append(
                    NetworkSpec(
                        f"{slug}-educational-briefings",
                        f"{name} Educational Briefings",
                        K.BRIEFING_SERIES,
                        J.OPEN,
                        areas=area,
                        roles=[*HEADS, R.CHAIR_OF_GOVERNORS],
                        share=0.4,
                        rhythm="Termly: the same briefing in three places",
                    )
                )
            if index % 12 == 3:
                specs.append(
                    NetworkSpec(
                        f"{slug}-leadership-group",
                        f"{name} Sustainable Leadership Group",
                        K.WORKING_GROUP,
                        J.APPROVAL,
                        areas=area,
                        share=0.1,
                        weight=0.5,
                    )
                )
        return specs

    def networks(self) -> str:
        self.specs = self.network_specs()
        by_slug = {}
        for spec in self.specs:
            about = (
                f"{spec.name} brings school leaders together.\n\n"
                "We meet, share what works and **speak together** to those who decide."
            )
            network = Network(
                name=spec.name,
                short_name=spec.short_name,
                slug=spec.slug,
                kind=spec.kind,
                join_policy=spec.join_policy,
                basis=spec.basis,
                parent_id=by_slug[spec.parent].pk if spec.parent else None,
                summary=f"{spec.name}: leaders working together.",
                about=about,
                about_html=self._html_of(about),
                meeting_rhythm=spec.rhythm,
                eligible_sectors=list(spec.sectors),
                eligible_roles=list(spec.roles),
                state_funded_only=spec.state_funded_only,
                open_to_all=spec.open_to_all,
                requires_parent_membership=spec.requires_parent_membership,
                audience=spec.audience,
            )
            # One at a time (a few hundred): sub-groups need their parent's id.
            Network.objects.bulk_create([network])
            spec.pk = network.pk
            by_slug[spec.slug] = spec
        self.spec_by_slug = by_slug
        Areas = Network.areas.through
        Areas.objects.bulk_create(
            Areas(network_id=spec.pk, localauthority_id=self.la_pks[la])
            for spec in self.specs
            for la in spec.areas
        )
        NetworkPurpose.objects.bulk_create(
            NetworkPurpose(network_id=spec.pk, position=position, text=text)
            for spec in self.specs
            for position, text in enumerate(
                [
                    "Be a collective voice for school leaders",
                    "Support each other, especially heads new to the role",
                    "Share practice between schools",
                ][: 1 + len(spec.slug) % 3]
            )
        )
        return self._count("networks", len(self.specs))

    # Memberships -----------------------------------------------------------------------

    def _qualifying_post(self, spec: NetworkSpec, person: PersonRow):
        """The person's first current post the network counts, or None (Network's rules)."""
        areas = set(spec.areas)
        needs_verified = spec.basis == Network.Basis.SCHOOL or spec.join_policy == J.AUTOMATIC
        for school_index, role, started, ended, verified in person.posts:
            school = self.school_rows[school_index]
            if (
                ended is None
                and started <= self.today
                and school.is_open
                and (not spec.roles or role in spec.roles)
                and (not spec.sectors or school.sector in spec.sectors)
                and (not areas or school.la in areas)
                and (not spec.state_funded_only or school.state_funded)
                and (verified or not needs_verified)
            ):
                return school_index
        return None

    def memberships(self) -> str:
        known = {row.pk for row in self.known.values()}
        pool = [row for row in self.people_rows if row.pk not in known]
        by_area = defaultdict(dict)
        for row in pool:
            for school_index, *_ in row.posts:
                by_area[self.school_rows[school_index].la][row.pk] = row
        rows: list[Membership] = []
        self.active: dict[str, list[int]] = {}
        self.admins: dict[str, list[int]] = {}
        for spec in self.specs:
            live = self._network_memberships(spec, self._candidates(spec, pool, by_area))
            active = [pk for pk, m in live.items() if m.status == Membership.Status.ACTIVE]
            if not active:
                # Every network is run by someone, even one nobody has joined yet.
                outsider = self.rng.choice([row.pk for row in pool if row.pk not in live])
                live[outsider] = self._membership(spec, outsider)
                active = [outsider]
            rows += live.values()
            rows += self._ended
            team = self.rng.sample(active, min(len(active), self.rng.randint(2, 5)))
            administrators = team[: 2 if len(team) > 3 else 1]
            for person_pk in team:
                live[person_pk].role = (
                    Membership.Role.ADMINISTRATOR
                    if person_pk in administrators
                    else Membership.Role.COORDINATOR
                )
            self.active[spec.slug] = active
            self.admins[spec.slug] = administrators
        rows += self._known_memberships()
        Membership.objects.bulk_create(rows, batch_size=BATCH)
        # Network administrators work in the admin site (sync_admin_site_access, in bulk).
        administrators = {pk for pks in self.admins.values() for pk in pks}
        User.objects.filter(pk__in=administrators).update(is_staff=True)
        live_count = sum(1 for m in rows if m.status in Membership.LIVE_STATUSES)
        self.report.counts["live memberships"] = live_count
        self.report.counts["largest network members"] = len(self.active[LARGEST_SLUG])
        return (
            f"{self._count('memberships', len(rows))} ({live_count:,} live); "
            f"{LARGEST_SLUG}: {len(self.active[LARGEST_SLUG]):,} active"
        )

    def _candidates(self, spec, pool, by_area) -> list[tuple[int, int | None]]:
        """Who may join the network: (person, the school of the post that qualifies them)."""
        if spec.requires_parent_membership:
            return [(pk, None) for pk in self.active[spec.parent]]
        if spec.open_to_all:
            return [(row.pk, None) for row in pool]
        if spec.areas:
            pool = [row for la in spec.areas for row in by_area[la].values()]
        candidates = []
        for row in pool:
            school = self._qualifying_post(spec, row)
            if school is not None:
                candidates.append((row.pk, school))
        return candidates

    def _network_memberships(self, spec, candidates) -> dict[int, Membership]:
        """The network's live memberships by person; ended ones are left in self._ended."""
        live: dict[int, Membership] = {}
        self._ended: list[Membership] = []
        seats: set[int] = set()
        for person_pk, school_index in candidates:
            school = None
            if spec.basis == Network.Basis.SCHOOL:
                # A school holds one seat; the head's verified post is the qualifying one.
                if school_index in seats:
                    continue
                seats.add(school_index)
                school = self.school_rows[school_index].pk
            status = self._status(spec)
            if status in Membership.LIVE_STATUSES:
                live[person_pk] = self._membership(spec, person_pk, school=school, status=status)
            elif status:
                self._ended.append(self._membership(spec, person_pk, school=school, status=status))
        return live

    def _status(self, spec) -> str:
        """A candidate's membership: active, pending, ended, or none ("")."""
        draw = self.rng.random()
        if spec.join_policy == J.AUTOMATIC or draw < spec.share:
            return Membership.Status.ACTIVE
        if spec.join_policy == J.APPROVAL and draw < spec.share + 0.05:
            return Membership.Status.PENDING
        if draw > 0.98:
            # Some people left, or were declined: records that are no longer live.
            ended = "declined" if spec.join_policy == J.APPROVAL else "lapsed"
            return self.rng.choice([Membership.Status.LEFT, ended])
        return ""

    def _membership(
        self,
        spec,
        person_pk,
        *,
        school=None,
        status=Membership.Status.ACTIVE,
        role=Membership.Role.MEMBER,
    ) -> Membership:
        started = self._days_ago(10, 1500)
        return Membership(
            person_id=person_pk,
            network_id=spec.pk,
            school_id=school,
            status=status,
            role=role,
            requested_at=started - datetime.timedelta(days=2),
            started_at=None if status in ("pending", "declined") else started,
            ended_at=None if status in Membership.LIVE_STATUSES else self.now,
        )

    def _known_memberships(self) -> list[Membership]:
        """The benchmark's member and administrator in the largest network; the member in
        their area's primary network too."""
        england = self.spec_by_slug[LARGEST_SLUG]
        primary = self.spec_by_slug[f"{slugify(self.las[0][1])}-primary-heads"]
        member, admin = self.known[MEMBER].pk, self.known[ADMIN].pk
        self.active[LARGEST_SLUG] += [member, admin]
        self.admins[LARGEST_SLUG].append(admin)
        return [
            self._membership(england, member),
            self._membership(england, admin, role=Membership.Role.ADMINISTRATOR),
            self._membership(primary, member),
        ]

    def workhubs(self) -> str:
        rows, people = [], []
        for spec in self.specs:
            if spec.kind != K.ALLIANCE:
                continue
            for year, count in [(self.year - 1, 3), (self.year, 5)]:
                for name in self.rng.sample(WORKHUB_NAMES, count):
                    workhub = Workhub(
                        network_id=spec.pk,
                        academic_year=year,
                        name=name,
                        slug=slugify(f"{name} {academic_year_label(year)}"),
                        priority_area=f"{name} across the area's schools",
                    )
                    rows.append(workhub)
        Workhub.objects.bulk_create(rows)
        self.workhubs_of = defaultdict(list)
        for workhub in rows:
            if workhub.academic_year == self.year:
                self.workhubs_of[workhub.network_id].append(workhub.pk)
        slug_by_pk = {spec.pk: spec.slug for spec in self.specs}
        for workhub in rows:
            active = self.active[slug_by_pk[workhub.network_id]]
            chosen = self.rng.sample(active, min(len(active), self.rng.randint(5, 15)))
            people += [
                WorkhubMembership(workhub_id=workhub.pk, person_id=pk, is_lead=number == 0)
                for number, pk in enumerate(chosen)
            ]
        WorkhubMembership.objects.bulk_create(people, batch_size=BATCH)
        return f"{self._count('workhubs', len(rows))}, {len(people):,} people in them"

    # Meetings --------------------------------------------------------------------------

    def meetings(self) -> str:
        rng = self.rng
        ensure_academic_year(self.year)
        ensure_academic_year(self.year + 1)
        total = self._n(MEETINGS, minimum=len(self.specs))
        self.venues = defaultdict(list)
        for school in self.school_rows:
            if school.is_open and school.state_funded:
                self.venues[school.la].append(school.pk)
        self.venues[None] = [pk for pks in list(self.venues.values()) for pk in pks]
        # Every network holds at least one meeting; the rest go by weight.
        chosen = list(self.specs) + rng.choices(
            self.specs, weights=[spec.weight for spec in self.specs], k=total - len(self.specs)
        )
        self.series = {}
        for spec in self.specs:
            rule = (
                MeetingSeries.Rule.SESSIONS
                if spec.kind == K.BRIEFING_SERIES
                else rng.choice(["weekly", "monthly", "half_termly", "times_a_year"])
            )
            self.series[spec.pk] = MeetingSeries(
                network_id=spec.pk, rule=rule, description=f"{spec.name}: {spec.rhythm}"
            )
        MeetingSeries.objects.bulk_create(self.series.values())
        self.meeting_rows = [self._meeting(number, spec) for number, spec in enumerate(chosen)]
        for chunk in batched(self.meeting_rows, BATCH, strict=False):
            Meeting.objects.bulk_create(chunk)
        return self._count("meetings", len(self.meeting_rows))

    def _meeting(self, number: int, spec: NetworkSpec) -> Meeting:
        """One meeting on a weekday of this school year or the next."""
        rng = self.rng
        first = datetime.date(self.year, 9, 1)
        day = first + datetime.timedelta(days=rng.randrange(680))
        day -= datetime.timedelta(days=max(0, day.weekday() - 4))
        hour, minute, length = rng.choice(SLOTS)
        starts = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)
        kind = MEETING_KINDS.get(spec.kind, Meeting.Kind.NETWORK_MEETING)
        if rng.random() < 0.05:
            kind, length = Meeting.Kind.CONFERENCE, 390
        elif rng.random() < 0.03:
            kind, length = Meeting.Kind.URGENT, 30
        form = rng.choices(list(Meeting.Format), weights=[50, 35, 15])[0]
        if kind in (Meeting.Kind.NETWORK_CALL, Meeting.Kind.URGENT):
            form = Meeting.Format.ONLINE
        state = Meeting.State.PUBLISHED
        if starts > self.now and rng.random() < 0.04:
            state = Meeting.State.DRAFT
        elif rng.random() < 0.03:
            state = Meeting.State.CANCELLED
        workhubs = self.workhubs_of.get(spec.pk)
        agenda = rng.choice(AGENDAS)
        in_series = spec.kind == K.BRIEFING_SERIES or rng.random() < 0.5
        title = f"{spec.name}: {kind.label.lower()}"
        created = min(self.now, starts - datetime.timedelta(days=rng.randint(7, 60)))
        return Meeting(
            uid=uuid.UUID(int=rng.getrandbits(128), version=4),
            network_id=spec.pk,
            workhub_id=rng.choice(workhubs) if workhubs and rng.random() < 0.4 else None,
            series=self.series[spec.pk] if in_series else None,
            title=title,
            kind=kind,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=length),
            format=form,
            **self._place(spec, form, number),
            agenda=agenda,
            agenda_html=self._html_of(agenda),
            capacity=rng.choice([None, None, None, 12, 15, 20, 30, 40, 60, 120]),
            registration_required=kind != Meeting.Kind.URGENT and rng.random() < 0.9,
            audience=rng.choices(list(Meeting.Audience), weights=[55, 35, 10])[0],
            state=state,
            cancel_reason="The speaker is unwell; we will rearrange."
            if state == "cancelled"
            else "",
            created_by_id=rng.choice(self.admins[spec.slug]),
            published_at=created if state != Meeting.State.DRAFT else None,
        )

    def _place(self, spec: NetworkSpec, form: str, number: int) -> dict:
        """Where: a school of the network's area or an address, and a link if online."""
        place = {"venue_school_id": None, "venue_address": "", "online_url": ""}
        if form != Meeting.Format.ONLINE:
            if self.rng.random() < 0.7:
                local = self.venues.get(spec.areas[0]) if spec.areas else None
                place["venue_school_id"] = self.rng.choice(local or self.venues[None])
            else:
                town = self.rng.choice(PLACE_STARTS) + self.rng.choice(PLACE_ENDS)
                place["venue_address"] = f"{town} Hall, {town}"
        if form != Meeting.Format.IN_PERSON:
            place["online_url"] = f"https://meet.example.org/{spec.slug}/{number}"
        return place

    def registrations(self) -> str:
        rng = self.rng
        slug_by_pk = {spec.pk: spec.slug for spec in self.specs}
        member = self.known[MEMBER].pk
        england = self.spec_by_slug[LARGEST_SLUG].pk
        member_upcoming = 0
        count = waiting = 0
        rows: list[Registration] = []

        def flush():
            Registration.objects.bulk_create(rows)
            rows.clear()

        for meeting in self.meeting_rows:
            if meeting.state == Meeting.State.DRAFT or not meeting.registration_required:
                continue
            active = self.active[slug_by_pk[meeting.network_id]]
            people = rng.sample(active, min(len(active), rng.randint(10, 30)))
            future = meeting.starts_at > self.now
            if meeting.network_id == england and future and member_upcoming < 12:
                if member not in people:
                    people[-1:] = [member]
                member_upcoming += 1
            going = 0
            base = min(self.now, meeting.starts_at) - datetime.timedelta(days=30)
            for position, person in enumerate(people):
                if meeting.capacity is None or going < meeting.capacity:
                    status = Registration.Status.GOING
                    if rng.random() < 0.04 and person != member:
                        status = Registration.Status.CANCELLED
                    else:
                        going += 1
                else:
                    status = Registration.Status.WAITING
                    waiting += 1
                rows.append(
                    Registration(
                        meeting_id=meeting.pk,
                        person_id=person,
                        status=status,
                        created_at=base + datetime.timedelta(minutes=position * 37),
                    )
                )
                count += 1
            if len(rows) >= 5_000:
                flush()
        flush()
        self.report.counts["waiting"] = waiting
        return f"{self._count('registrations', count)} ({waiting:,} on waiting lists)"

    # Fees, articles, support, leaders -------------------------------------------------

    def fees(self) -> str:
        rng = self.rng
        invoices, schemes = [], 0
        pupils = {school.pk: school.pupils for school in self.school_rows}
        urns = {school.pk: school.urn for school in self.school_rows}
        seats = defaultdict(list)
        for network_id, school_id in (
            Membership.objects.active()
            .filter(school__isnull=False)
            .values_list("network_id", "school_id")
        ):
            seats[network_id].append(school_id)
        for number, spec in enumerate(self.specs):
            if not spec.fee_pence:
                continue
            prefix = re.sub(r"[^A-Z0-9]", "", spec.slug.upper())[:16] + str(number)
            scheme = FeeScheme.objects.create(
                network_id=spec.pk,
                year_kind=YearKind.FINANCIAL if spec.banded else YearKind.ACADEMIC,
                basis=FeeScheme.Basis.BANDED if spec.banded else FeeScheme.Basis.FLAT,
                flat_amount_pence=None if spec.banded else spec.fee_pence,
                reference_prefix=prefix,
                how_to_pay="By bank transfer; quote the invoice reference.",
            )
            schemes += 1
            bands = [(150, spec.fee_pence), (400, spec.fee_pence * 2), (None, spec.fee_pence * 3)]
            if spec.banded:
                FeeBand.objects.bulk_create(
                    FeeBand(scheme=scheme, up_to_pupils=up_to, amount_pence=amount)
                    for up_to, amount in bands
                )
            year = fee_year_of(scheme.year_kind, self.today)
            for school in seats[spec.pk]:
                amount = spec.fee_pence
                if spec.banded:
                    amount = next(
                        a for up_to, a in bands if up_to is None or pupils[school] <= up_to
                    )
                for fee_year, paid_share in [(year - 1, 0.95), (year, 0.55)]:
                    draw = rng.random()
                    state = FeeInvoice.State.DUE
                    if draw < paid_share:
                        state = FeeInvoice.State.PAID
                    elif draw > 0.96:
                        state = FeeInvoice.State.WAIVED
                    invoices.append(
                        FeeInvoice(
                            network_id=spec.pk,
                            school_id=school,
                            year=fee_year,
                            year_kind=scheme.year_kind,
                            amount_pence=amount,
                            state=state,
                            reference=f"{prefix}-{fee_year}-{urns[school]}",
                            paid_on=self.today - datetime.timedelta(days=rng.randint(1, 200))
                            if state == FeeInvoice.State.PAID
                            else None,
                            waived_reason="Hardship agreed by the committee"
                            if state == FeeInvoice.State.WAIVED
                            else "",
                        )
                    )
        FeeInvoice.objects.bulk_create(invoices, batch_size=BATCH)
        self.report.counts["fee schemes"] = schemes
        return f"{schemes} fee schemes, {self._count('invoices', len(invoices))}"

    def articles(self) -> str:
        rng = self.rng
        writing = [self.spec_by_slug[LARGEST_SLUG]] + [
            spec for spec in self.specs if spec.slug != LARGEST_SLUG and rng.random() < 0.12
        ]
        rows, authors = [], []
        for spec in writing:
            count = 40 if spec.slug == LARGEST_SLUG else rng.randint(3, 12)
            slugs = set()
            for number in range(count):
                title = f"{rng.choice(ARTICLE_TOPICS)}: {spec.short_name or spec.name}"
                slug = slugify(title)[:90]
                if slug in slugs:
                    slug = f"{slug}-{number}"
                slugs.add(slug)
                published = rng.random() < 0.85
                rows.append(
                    Article(
                        network_id=spec.pk,
                        title=title,
                        slug=slug,
                        summary="What we have learned, and what we ask of those who decide.",
                        body=ARTICLE_BODY,
                        body_html=self._html_of(ARTICLE_BODY),
                        audience=Article.Audience.MEMBERS
                        if rng.random() < 0.35
                        else Article.Audience.PUBLIC,
                        state=Article.State.PUBLISHED if published else Article.State.DRAFT,
                        published_at=self._days_ago(1, 700) if published else None,
                        created_by_id=rng.choice(self.admins[spec.slug]),
                    )
                )
        Article.objects.bulk_create(rows, batch_size=BATCH)
        slug_by_pk = {spec.pk: spec.slug for spec in self.specs}
        Authors = Article.authors.through
        for article in rows:
            active = self.active[slug_by_pk[article.network_id]]
            for person in rng.sample(active, min(len(active), rng.randint(1, 2))):
                authors.append(Authors(article_id=article.pk, user_id=person))
        Authors.objects.bulk_create(authors, batch_size=BATCH)
        # Stories: a few, to the largest network, anonymous or by name.
        england = self.spec_by_slug[LARGEST_SLUG]
        StoryInbox.objects.create(network_id=england.pk, invitation="Tell us how it is.")
        stories = []
        for number in range(self._n(30, minimum=3)):
            by_name = rng.random() < 0.4
            state = rng.choice(
                [Story.State.PUBLISHED, Story.State.PUBLISHED, Story.State.SUBMITTED]
            )
            body = "What happened, what helped, and what I would tell the next head."
            stories.append(
                Story(
                    network_id=england.pk,
                    title=f"A story from a head ({number + 1})",
                    body=body,
                    body_html=self._html_of(body),
                    author_id=rng.choice(self.active[LARGEST_SLUG]) if by_name else None,
                    state=state,
                    token_hash=hashlib.sha256(rng.randbytes(32)).hexdigest(),
                    submitted_on=self.today - datetime.timedelta(days=rng.randint(1, 300)),
                    published_at=self._days_ago(0, 100) if state == Story.State.PUBLISHED else None,
                )
            )
        Story.objects.bulk_create(stories)
        return f"{self._count('articles', len(rows))}, {len(stories)} stories"

    def support(self) -> str:
        rng = self.rng
        schemes = [
            (
                MentoringScheme(
                    name=f"{spec.name}: mentoring for new heads",
                    slug=f"{spec.slug}-mentoring",
                    network_id=spec.pk,
                ),
                self.active[spec.slug],
            )
            for spec in self.specs
            if spec.kind == K.SPECIAL and spec.areas
        ]
        for la in range(0, len(self.las), 10):
            code, name = self.las[la]
            scheme = MentoringScheme(
                name=f"{name}: mentoring for first-year heads",
                slug=f"la-{code}-mentoring",
                local_authority_id=self.la_pks[la],
            )
            area_people = [
                row.pk
                for row in self.people_rows
                if any(self.school_rows[post[0]].la == la for post in row.posts)
            ]
            schemes.append((scheme, area_people))
        MentoringScheme.objects.bulk_create([scheme for scheme, _ in schemes])
        made = defaultdict(list)
        for scheme, candidates in schemes:
            self._mentoring(scheme, candidates, made)
        Broker.objects.bulk_create(made["brokers"])
        MentorOffer.objects.bulk_create(made["offers"])
        MentorRequest.objects.bulk_create(made["requests"])
        for pairing in made["pairings"]:
            pairing.request_id = pairing.request.pk
        Pairing.objects.bulk_create(made["pairings"])
        england = self.spec_by_slug[LARGEST_SLUG]
        coaches = rng.sample(self.active[LARGEST_SLUG], min(5, len(self.active[LARGEST_SLUG])))
        Coach.objects.bulk_create(Coach(network_id=england.pk, person_id=pk) for pk in coaches)
        others = [pk for pk in self.active[LARGEST_SLUG] if pk not in coaches]
        SupportRequest.objects.bulk_create(
            SupportRequest(
                network_id=england.pk,
                requester_id=pk,
                help=rng.choice(list(SupportRequest.Help)),
                contact_by=SupportRequest.ContactBy.PHONE,
            )
            for pk in rng.sample(others, min(len(others), self._n(20, minimum=2)))
        )
        self.report.counts["pairings"] = len(made["pairings"])
        return (
            f"{len(schemes)} mentoring schemes, {len(made['offers'])} offers, "
            f"{len(made['requests'])} requests, {len(made['pairings'])} pairings; "
            f"{len(coaches)} coaches"
        )

    def _heads(self, candidates: list[int], *, new: bool) -> list[int]:
        """The candidates who are heads now, in their first two years or not."""
        people = self.person_by_pk
        two_years_ago = self.today - datetime.timedelta(days=730)
        found = []
        for pk in candidates:
            posts = [post for post in people[pk].posts if post[1] in HEADS and post[3] is None]
            known = people[pk].email in KNOWN_ACCOUNTS
            if posts and not known and (posts[0][2] > two_years_ago) == new:
                found.append(pk)
        return found

    def _mentoring(self, scheme: MentoringScheme, candidates: list[int], made) -> None:
        """A scheme's broker, mentors' offers, new heads' requests, most of them paired."""
        rng = self.rng
        experienced = self._heads(candidates, new=False)
        if not experienced:
            return
        made["brokers"].append(Broker(scheme=scheme, person_id=rng.choice(experienced)))
        places = []
        for mentor in rng.sample(experienced, min(len(experienced), rng.randint(3, 8))):
            offer = MentorOffer(
                scheme=scheme,
                mentor_id=mentor,
                capacity=rng.randint(1, 3),
                sectors=[S.SPECIAL, S.PRIMARY],
            )
            made["offers"].append(offer)
            # No mentor is given more new heads than they offered to take.
            places += [mentor] * offer.capacity
        rng.shuffle(places)
        new_heads = self._heads(candidates, new=True)
        for mentee in rng.sample(new_heads, min(len(new_heads), rng.randint(2, 6))):
            paired = bool(places) and rng.random() < 0.7
            request = MentorRequest(
                scheme=scheme,
                mentee_id=mentee,
                state=MentorRequest.State.PAIRED if paired else MentorRequest.State.OPEN,
                note="A first headship.",
            )
            made["requests"].append(request)
            if paired:
                started = self._days_ago(20, 300)
                made["pairings"].append(
                    Pairing(
                        scheme=scheme,
                        request=request,
                        mentor_id=places.pop(),
                        mentee_id=mentee,
                        state=Pairing.State.ACTIVE,
                        mentor_accepted_at=started,
                        mentee_accepted_at=started,
                        proposed_at=started,
                        started_at=started,
                    )
                )

    def leaders(self) -> str:
        rng = self.rng
        heads = [
            row.pk
            for row in self.people_rows
            if row.email not in KNOWN_ACCOUNTS and any(p[1] in HEADS for p in row.posts)
        ]
        chosen = rng.sample(heads, min(len(heads), self._n(400)))
        designations = [
            Designation(
                person_id=pk,
                kind=rng.choice(list(Designation.Kind)),
                state=Designation.State.CONFIRMED,
                decided_at=self.now,
                evidence="On the local authority's roster.",
            )
            for pk in chosen
        ]
        Designation.objects.bulk_create(designations)
        listings = [
            Listing(person_id=pk, availability=rng.choice(list(Listing.Availability)))
            for pk in chosen[: len(chosen) * 2 // 3]
        ]
        Listing.objects.bulk_create(listings)
        return f"{len(designations)} designations, {self._count('listings', len(listings))}"

    def accounts(self) -> str:
        rng = self.rng
        feeds = []
        for email, person in self.known.items():
            token = rng.randbytes(18).hex()
            feeds.append(CalendarFeed(person_id=person.pk, token=token))
            self.report.feeds[email] = reverse("meetings:personal_feed", args=[token])
        CalendarFeed.objects.bulk_create(feeds)
        User.objects.filter(email=ADMIN).update(is_staff=True)
        return f"{len(feeds)} known accounts with calendar feeds"

    # Announcements, polls, discussions ------------------------------------------------

    def _talking(self, share: float) -> list[NetworkSpec]:
        """The largest network, then a share of the others (drawn in order)."""
        return [self.spec_by_slug[LARGEST_SLUG]] + [
            spec for spec in self.specs if spec.slug != LARGEST_SLUG and self.rng.random() < share
        ]

    def announcements(self) -> str:
        """An archive of sent announcements (two years of them in the largest network) and
        a few drafts. No delivery rows: each keeps the counts a sender sees, as one whose
        rows were pruned does (announcements.sending.prune_deliveries)."""
        rng = self.rng
        rows = []
        for spec in self._talking(0.15):
            largest = spec.slug == LARGEST_SLUG
            count = 150 if largest else rng.randint(3, 20)
            # One a day at most, oldest first, so that ids run in the order they were sent.
            for days_ago in sorted(rng.sample(range(1, 731), count), reverse=True):
                sent_at = self.midnight - datetime.timedelta(
                    days=days_ago, minutes=rng.randint(0, 600)
                )
                reached = len(self.active[spec.slug])
                digest = round(reached * rng.uniform(0.05, 0.15))
                bounced = min(reached - digest, rng.randint(0, 3))
                rows.append(self._announcement(spec, rng.choice(ANNOUNCEMENT_SUBJECTS), sent_at))
                rows[-1].kept_counts = {
                    "sent": reached - digest - bounced,
                    "digest": digest,
                    "bounced": bounced,
                }
            if largest:
                rows += [
                    self._announcement(spec, "Conference: call for workshop leaders", None)
                    for _ in range(2)
                ]
        Announcement.objects.bulk_create(rows, batch_size=BATCH)
        # Their own times, which bulk_create overwrote with now (auto_now fields).
        Announcement.objects.filter(pk__in=[row.pk for row in rows if row.sent_at]).update(
            created_at=F("sent_at") - datetime.timedelta(hours=1), updated_at=F("sent_at")
        )
        sent = sum(1 for row in rows if row.sent_at)
        return f"{self._count('announcements', sent)} sent, {len(rows) - sent} drafts"

    def _announcement(
        self, spec: NetworkSpec, subject: str, sent_at: datetime.datetime | None
    ) -> Announcement:
        body = self.rng.choice(ANNOUNCEMENT_BODIES)
        return Announcement(
            network_id=spec.pk,
            subject=subject,
            body=body,
            body_html=self._html_of(body),
            is_urgent=sent_at is not None and self.rng.random() < 0.04,
            state=Announcement.State.SENT if sent_at else Announcement.State.DRAFT,
            author_id=self.rng.choice(self.admins[spec.slug]),
            sent_at=sent_at,
            fanned_out_at=sent_at,
        )

    def voice(self) -> str:
        """Polls: in the largest network a secret poll open now with a few thousand votes
        (the benchmark's), two more open ones and closed ones with their results and
        decisions; a few in other networks. Votes are written as voice.voting leaves them:
        a VoteRecord per voter, and a ballot that names its voter only in an open poll."""
        rng = self.rng
        self._polls: list[tuple[Poll, list[str], list[int]]] = []
        england = self.spec_by_slug[LARGEST_SLUG]
        voters = self.active[LARGEST_SLUG]
        # The benchmark's member has not voted yet: the page shows them the ballot.
        others = [pk for pk in voters if pk != self.known[MEMBER].pk]
        self._plan_poll(
            england, Poll.Kind.SINGLE, BENCHED_POLL_TITLE, BENCHED_POLL_OPTIONS,
            rng.sample(others, min(len(others), self._n(3_000, minimum=20))),
            secret=True, closed=False,
        )  # fmt: skip
        for number, kind in enumerate(
            [Poll.Kind.PROPOSAL, Poll.Kind.QUESTION, *[Poll.Kind.PROPOSAL] * 3]
            + [Poll.Kind.SINGLE, Poll.Kind.MULTIPLE, Poll.Kind.SINGLE]
        ):
            count = rng.randint(self._n(100, minimum=5), self._n(800, minimum=10))
            self._plan_poll(
                england, kind, POLL_TOPICS[number % len(POLL_TOPICS)],
                POLL_OPTIONS if kind in (Poll.Kind.SINGLE, Poll.Kind.MULTIPLE) else [],
                rng.sample(voters, min(len(voters), count)),
                secret=rng.random() < 0.3, closed=number >= 2,
            )  # fmt: skip
        people_based = [spec for spec in self._talking(0.1)[1:] if spec.basis == "person"]
        for spec in people_based:
            members = self.active[spec.slug]
            for _ in range(rng.randint(1, 3)):
                kind = rng.choice([Poll.Kind.PROPOSAL, Poll.Kind.SINGLE])
                self._plan_poll(
                    spec, kind, rng.choice(POLL_TOPICS),
                    POLL_OPTIONS[:3] if kind == Poll.Kind.SINGLE else [],
                    rng.sample(members, rng.randint(0, min(len(members), 30))),
                    secret=False, closed=rng.random() < 0.6,
                )  # fmt: skip
        return self._write_polls()

    def _plan_poll(self, spec, kind, title, labels, voters, *, secret: bool, closed: bool) -> None:
        rng = self.rng
        opened = self.midnight - datetime.timedelta(days=rng.randint(15, 700) if closed else 5)
        closes = (
            opened + datetime.timedelta(days=14)
            if closed
            else self.midnight + datetime.timedelta(days=10)
        )
        poll = Poll(
            network_id=spec.pk,
            kind=kind,
            title=title,
            description=POLL_TEXT,
            description_html=self._html_of(POLL_TEXT),
            voters=Poll.Voters.MEMBERS,
            secret=secret,
            # A secret poll shows its results only when it closes (voice.polls).
            results_shown=Poll.ResultsShown.AFTER_CLOSING
            if secret or rng.random() < 0.5
            else Poll.ResultsShown.AFTER_VOTING,
            max_choices=2 if kind == Poll.Kind.MULTIPLE else None,
            state=Poll.State.CLOSED if closed else Poll.State.OPEN,
            closes_at=closes,
            created_by_id=rng.choice(self.admins[spec.slug]),
            created_at=opened - datetime.timedelta(hours=1),
            opened_at=opened,
            closed_at=closes if closed else None,
        )
        self._polls.append((poll, labels, voters))

    def _write_polls(self) -> str:
        rng = self.rng
        Poll.objects.bulk_create([poll for poll, _, _ in self._polls])
        options = {
            poll.pk: [
                Option(poll_id=poll.pk, position=number, label=label)
                for number, label in enumerate(labels, start=1)
            ]
            for poll, labels, _ in self._polls
        }
        Option.objects.bulk_create([option for rows in options.values() for option in rows])
        records, ballots, choices, decisions = [], [], [], []
        for poll, _, voters in self._polls:
            weights = [rng.random() for _ in options[poll.pk]]
            poll_ballots = []
            for person in voters:
                records.append(VoteRecord(poll_id=poll.pk, person_id=person))
                ballot = Ballot(
                    id=uuid.UUID(bytes=rng.randbytes(16), version=4),
                    poll_id=poll.pk,
                    # A secret ballot names nobody (voice.voting).
                    person_id=None if poll.secret else person,
                )
                if poll.kind == Poll.Kind.PROPOSAL:
                    ballot.position = rng.choices(list(Ballot.Position), [8, 2, 2, 0.2])[0]
                    if ballot.position == Ballot.Position.BLOCK:
                        ballot.text = "Not before the members' views are heard."
                elif poll.kind == Poll.Kind.QUESTION:
                    ballot.text = rng.choice(POST_BODIES)
                else:
                    picks = 1 if poll.kind == Poll.Kind.SINGLE else rng.randint(1, 2)
                    for option in set(rng.choices(options[poll.pk], weights, k=picks)):
                        choices.append(
                            BallotChoice(
                                id=uuid.UUID(bytes=rng.randbytes(16), version=4),
                                ballot_id=ballot.id,
                                option_id=option.pk,
                            )
                        )
                poll_ballots.append(ballot)
            # Nothing in a secret poll's rows says which ballot came first.
            if poll.secret:
                rng.shuffle(poll_ballots)
            ballots += poll_ballots
            if poll.state == Poll.State.CLOSED and poll.kind == Poll.Kind.PROPOSAL:
                decisions.append(
                    Decision(
                        poll_id=poll.pk,
                        network_id=poll.network_id,
                        statement=DECISION_TEXT,
                        recorded_by_id=poll.created_by_id,
                        recorded_at=poll.closes_at + datetime.timedelta(days=1),
                    )
                )
        VoteRecord.objects.bulk_create(records, batch_size=BATCH)
        Ballot.objects.bulk_create(ballots, batch_size=BATCH)
        BallotChoice.objects.bulk_create(choices, batch_size=BATCH)
        Decision.objects.bulk_create(decisions)
        return (
            f"{self._count('polls', len(self._polls))}, "
            f"{self._count('votes', len(records))}, {len(decisions)} decisions"
        )

    def discussions(self) -> str:
        """Threads with their posts: the largest network's many, one of them long enough
        to run to many pages (the benchmark's); a few in other networks."""
        rng = self.rng
        planned: list[tuple[Thread, list[DiscussionPost]]] = []
        for spec in self._talking(0.15):
            largest = spec.slug == LARGEST_SLUG
            count = self._n(300, minimum=30) if largest else rng.randint(1, 12)
            for number in range(count):
                posts = rng.randint(1, 20)
                if largest and number == 0:
                    posts = self._n(500, minimum=60)
                planned.append(self._thread(spec, posts))
        Thread.objects.bulk_create([thread for thread, _ in planned], batch_size=BATCH)
        posts = []
        for thread, rows in planned:
            for post in rows:
                post.thread_id = thread.pk
            posts += rows
        DiscussionPost.objects.bulk_create(posts, batch_size=BATCH)
        # Some replies quote an earlier post of their thread (its id is known only now).
        quoting = []
        for _, rows in planned:
            for post in rows[2:]:
                if rng.random() < 0.08:
                    post.quotes_id = rows[rng.randrange(post.number - 1)].pk
                    quoting.append(post)
        DiscussionPost.objects.bulk_update(quoting, ["quotes"], batch_size=BATCH)
        return f"{self._count('threads', len(planned))}, {self._count('posts', len(posts))}"

    def _thread(self, spec: NetworkSpec, count: int) -> tuple[Thread, list[DiscussionPost]]:
        """A thread and its posts, numbered from 1, as discussions.services leaves them."""
        rng = self.rng
        members = self.active[spec.slug]
        started = self.midnight - datetime.timedelta(
            days=rng.randint(count // 12 + 1, 700), minutes=rng.randint(0, 1440)
        )
        step = min(datetime.timedelta(hours=6), (self.midnight - started) / (count + 1))
        posts = []
        for number in range(1, count + 1):
            body = rng.choice(POST_BODIES)
            removed = number > 1 and rng.random() < 0.01
            posts.append(
                DiscussionPost(
                    number=number,
                    author_id=rng.choice(members),
                    body="" if removed else body,
                    body_html="" if removed else self._html_of(body),
                    created_at=started + step * (number - 1),
                    deleted_at=started + step * number if removed else None,
                )
            )
        thread = Thread(
            network_id=spec.pk,
            title=rng.choice(THREAD_TITLES),
            started_by_id=posts[0].author_id,
            created_at=started,
            last_posted_at=posts[-1].created_at,
            post_count=count,
        )
        return thread, posts

    def analyze(self) -> str:
        # Fresh statistics: after a bulk load the planner otherwise picks slow plans.
        # VACUUM too, as autovacuum leaves a live database: it marks the pages all
        # visible, so a count or an index-only scan need not visit every row. It
        # cannot run inside a transaction (a test's), where ANALYZE alone does.
        if connection.vendor != "postgresql":
            return "skipped (not PostgreSQL)"
        vacuum = not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        return "vacuumed, statistics updated" if vacuum else "statistics updated"
