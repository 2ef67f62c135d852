"""Demo data: the real networks of docs/product.md ("The networks it is built for"), with
fictional schools and people.

Every step looks its object up before making it, so running it again changes nothing.
"""

import csv
import datetime
import itertools
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from core.dates import academic_year_of
from devdata.announcements import seed_announcements
from devdata.articles import seed_articles
from devdata.attendance import seed_attendance
from devdata.discussions import seed_discussions
from devdata.fees import seed_fees
from devdata.leaders import seed_leaders
from devdata.meetings import seed_meetings
from devdata.support import seed_support
from devdata.voice import seed_voice
from members.conversions import import_links
from members.models import Designation, LocalAuthority, Post, School, User
from members.school_import import import_schools
from networks import eligibility
from networks import services as network_services
from networks.models import Membership, Network, NetworkPurpose, Workhub, WorkhubMembership

DATA = settings.BASE_DIR / "data"
# A member spreadsheet for OSSHTA's administrator to bring in (devdata/samples/README.md).
OSSHTA_SPREADSHEET = settings.BASE_DIR / "devdata" / "samples" / "osshta-members.csv"
OXFORDSHIRE, OLDHAM, ESSEX = "931", "353", "881"
HEADS = list(Post.HEAD_ROLES)
S = School.Sector


@dataclass
class NetworkSpec:
    slug: str
    name: str
    kind: str
    join_policy: str
    basis: str = Network.Basis.PERSON
    short_name: str = ""
    areas: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=lambda: list(HEADS))
    state_funded_only: bool = False
    open_to_all: bool = False
    parent: str = ""
    requires_parent_membership: bool = False
    audience: str = ""
    summary: str = ""
    about: str = ""
    rhythm: str = ""
    purposes: list[str] = field(default_factory=list)


NETWORKS = [
    NetworkSpec(
        slug="oxfordshire-primary-heads",
        name="Oxfordshire Primary Headteachers' Network",
        short_name="OPHN",
        kind=Network.Kind.PRIMARY,
        join_policy=Network.JoinPolicy.OPEN,
        areas=[OXFORDSHIRE],
        sectors=[S.PRIMARY],
        summary="The collective voice of Oxfordshire's primary headteachers.",
        about=(
            "Every primary head in Oxfordshire is welcome. The network speaks for primary "
            "schools to the county council and sends representatives to the county's "
            "education boards.\n\nIf you want to know more, **contact one of the heads "
            "listed on this page**: they coordinate the network alongside their headships."
        ),
        rhythm="Online, six times a year",
        purposes=[
            "Be a collective voice for primary headteachers in Oxfordshire",
            "Represent primary schools on the county's education boards",
            "Share practice and support each other between meetings",
        ],
    ),
    NetworkSpec(
        slug="osshta",
        name="Oxfordshire Secondary Head Teacher Association",
        short_name="OSSHTA",
        kind=Network.Kind.SECONDARY,
        join_policy=Network.JoinPolicy.AUTOMATIC,
        basis=Network.Basis.SCHOOL,
        areas=[OXFORDSHIRE],
        sectors=[S.SECONDARY, S.ALL_THROUGH],
        state_funded_only=True,
        summary="Every head of a state-funded secondary school in Oxfordshire, together.",
        about=(
            "Every head or principal of a state-funded secondary provider in Oxfordshire is "
            "a member automatically. Member schools pay an annual fee, which funds the "
            "conference and the association's administrator, who handles enquiries.\n\n"
            "The **Coordinating Group**, open to all members, plans the conference and "
            "the meetings.\n\n"
            "When something urgent comes up, OSSHTA calls a **WAYDAY** meeting: short, "
            "online and at short notice, so heads can agree a shared response the same day."
        ),
        rhythm=(
            "Two morning meetings a year, an annual conference, and WAYDAY meetings "
            "(short, urgent, online) at short notice"
        ),
        purposes=[
            "Represent the views of secondary heads to the local authority and beyond",
            "Support heads, especially those new to headship or to the county",
            "Share intelligence and practice between schools",
            "Work together for every young person in Oxfordshire",
        ],
    ),
    NetworkSpec(
        slug="osshta-coordinating-group",
        name="OSSHTA Coordinating Group",
        kind=Network.Kind.WORKING_GROUP,
        join_policy=Network.JoinPolicy.OPEN,
        areas=[OXFORDSHIRE],
        parent="osshta",
        requires_parent_membership=True,
        # The parent's sectors, so the directory's phase filter finds it with OSSHTA.
        sectors=[S.SECONDARY, S.ALL_THROUGH],
        summary="Plans OSSHTA's conference and meetings; open to every member.",
        about=(
            "The Coordinating Group is where OSSHTA's programme is made: members who "
            "join it choose the themes of the termly meetings, invite the speakers, and "
            "plan the annual conference with the association's coordinator. Any member "
            "of OSSHTA, or anyone working at a member school, may join and come to "
            "as many or as few planning meetings as they like."
        ),
        purposes=[
            "Choose the themes and speakers of OSSHTA's meetings",
            "Plan the annual conference",
            "Hear what members want from the association",
        ],
        rhythm="Before each meeting and the conference",
    ),
    NetworkSpec(
        slug="oassh",
        name="Oxfordshire Association of Special School Headteachers",
        short_name="OASSH",
        kind=Network.Kind.SPECIAL,
        join_policy=Network.JoinPolicy.OPEN,
        basis=Network.Basis.SCHOOL,
        areas=[OXFORDSHIRE],
        sectors=[S.SPECIAL],
        summary="Heads of Oxfordshire's special schools and special academies.",
        about=(
            "All heads of special schools and special academies in Oxfordshire belong. "
            "We meet every half term, at member schools in turn, and hold an annual autumn "
            "conference. Experienced heads mentor those new to headship. An administrator "
            "looks after the association's business."
        ),
        rhythm="Every half term, at member schools in rotation; an annual autumn conference",
        purposes=[
            "Speak for special schools and the children they serve",
            "Mentor heads new to special school headship",
            "Share data and practice through our sub-groups",
        ],
    ),
    NetworkSpec(
        slug="oassh-data-user-group",
        name="OASSH Special School Data User Group",
        kind=Network.Kind.WORKING_GROUP,
        join_policy=Network.JoinPolicy.OPEN,
        areas=[OXFORDSHIRE],
        parent="oassh",
        requires_parent_membership=True,
        sectors=[S.SPECIAL],
        audience="Open to members of OASSH and their schools' data leads",
        summary="Data leads of OASSH schools comparing and improving how they use data.",
        rhythm="Termly",
    ),
    NetworkSpec(
        slug="oassh-deputies-group",
        name="OASSH Deputies Group",
        kind=Network.Kind.WORKING_GROUP,
        join_policy=Network.JoinPolicy.OPEN,
        areas=[OXFORDSHIRE],
        parent="oassh",
        sectors=[S.SPECIAL],
        roles=[Post.Role.SENIOR_LEADER],
        summary="Deputies and senior leaders of Oxfordshire's special schools.",
        rhythm="Termly",
    ),
    NetworkSpec(
        slug="educational-briefings",
        name="Educational Briefings for Heads and Chairs of Governors",
        kind=Network.Kind.BRIEFING_SERIES,
        join_policy=Network.JoinPolicy.OPEN,
        areas=[OXFORDSHIRE],
        roles=[*HEADS, Post.Role.CHAIR_OF_GOVERNORS],
        summary="The local authority's termly briefing for heads and chairs of governors.",
        about=(
            "Run by the local authority. Each term the same briefing is given in three "
            "places across the county, so that heads and chairs of governors can attend "
            "the one nearest to them."
        ),
        rhythm="Termly: the same briefing in three places across the county",
    ),
    NetworkSpec(
        slug="oldham-schools-alliance",
        name="Oldham Schools Alliance",
        kind=Network.Kind.ALLIANCE,
        join_policy=Network.JoinPolicy.AUTOMATIC,
        basis=Network.Basis.SCHOOL,
        areas=[OLDHAM],
        sectors=[S.PRIMARY, S.SECONDARY],
        summary="Every primary school in the borough, and its secondaries too, working together.",
        about=(
            "Every primary school in Oldham takes part, and secondary schools too. Each "
            "academic year the alliance sets up **workhubs**: groups of heads and staff "
            "working on one shared priority."
        ),
        rhythm="Termly partnership meetings; workhubs meet between them",
        purposes=[
            "Raise standards for every child in Oldham",
            "School-to-school support across the borough",
            "Shared work on the borough's priorities through workhubs",
        ],
    ),
    NetworkSpec(
        slug="oashp",
        name="Oldham Association of Secondary Headteachers and Principals",
        short_name="OASHP",
        kind=Network.Kind.SECONDARY,
        join_policy=Network.JoinPolicy.APPROVAL,
        basis=Network.Basis.SCHOOL,
        areas=[OLDHAM],
        sectors=[S.SECONDARY, S.ALL_THROUGH, S.SIXTEEN_PLUS],
        summary="Secondary heads and principals of Oldham's schools, academies and colleges.",
        rhythm="Half-termly",
    ),
    NetworkSpec(
        slug="essex-sustainable-leadership",
        name="Essex Sustainable Leadership Group",
        kind=Network.Kind.WORKING_GROUP,
        join_policy=Network.JoinPolicy.APPROVAL,
        areas=[ESSEX],
        summary="Heads researching the headteacher shortage, and what would keep heads in post.",
        about=(
            "Primary, secondary and special school heads researching the shortage of "
            "headteachers. Essex also runs mentoring for first-year heads and keeps rosters "
            "of advisory, executive and interim heads and of local and national leaders of "
            "education: heads looking for an interim or advisory head can search the "
            "[leaders directory](/leaders/) by area and availability."
        ),
        rhythm="Monthly during the research year",
    ),
    NetworkSpec(
        slug="heads-up",
        name="Heads Up",
        kind=Network.Kind.SUPPORT_NETWORK,
        join_policy=Network.JoinPolicy.OPEN,
        open_to_all=True,
        roles=[],
        audience="Open to heads past, present and future, anywhere",
        summary="A national support network for heads past, present and future.",
        about=(
            "Weekly online network calls, themed calls and conferences. Heads in crisis "
            "can ask for confidential coaching."
        ),
        rhythm="Weekly online network calls; themed calls and conferences",
    ),
    NetworkSpec(
        slug="headteachers-roundtable",
        name="Headteachers' Roundtable",
        kind=Network.Kind.WORKING_GROUP,
        join_policy=Network.JoinPolicy.INVITATION,
        summary="A group of heads who publish their thinking and meet policy makers.",
        about=(
            "A small group of serving heads who write about policy, publish their thinking "
            "and meet policy makers.\n\n"
            "**How to be invited**: membership is by invitation from the Roundtable's "
            "administrators. If you are a head and would like to take part, write to them "
            "through the contact form on this page: say who you are, your school and what "
            "you would bring. They reply to every message."
        ),
        audience="By invitation: serving heads anywhere in England",
        rhythm="Several times a year",
    ),
]

# The Oldham Schools Alliance's workhubs in 2016/17, as it published them.
OLDHAM_WORKHUBS_2016 = [
    "Behaviour and Attendance",
    "Business and Community",
    "Early Years Foundation Stage",
    "Finance",
    "Initial Teacher Training",
    "Safeguarding and Wellbeing",
    "SEND",
    "School to School Support",
    "Teaching and Learning",
    "The Oldham Curriculum",
    "The Oldham Leader",
    "Transition",
]
OLDHAM_WORKHUBS_NOW = ["Attendance", "Early Reading", "SEND", "Leadership and Wellbeing"]
# What each workhub does, in a line: its page says this rather than its name again.
WORKHUB_DESCRIPTIONS = {
    "Behaviour and Attendance": "Shared approaches to behaviour, exclusions and absence.",
    "Business and Community": "Links with local employers, and schools' business management.",
    "Early Years Foundation Stage": "Moderation and practice in nursery and reception classes.",
    "Finance": "Budget planning, shared procurement and value for money.",
    "Initial Teacher Training": "Placements for trainee teachers and support for new teachers.",
    "Safeguarding and Wellbeing": "Safeguarding practice, and pupils' and staff's wellbeing.",
    "SEND": "Provision for pupils with special educational needs and disabilities.",
    "School to School Support": "Heads and staff supporting schools that ask for help.",
    "Teaching and Learning": "Classroom practice, shared through visits and joint training.",
    "The Oldham Curriculum": "A curriculum rooted in the borough's places and history.",
    "The Oldham Leader": "Developing the borough's middle and senior leaders.",
    "Transition": "Pupils' moves from primary to secondary school.",
    "Attendance": "Getting every pupil to school every day: shared data and family work.",
    "Early Reading": "Phonics and early reading in the borough's infant classes.",
    "Leadership and Wellbeing": "Supporting heads and senior leaders to stay well and stay.",
}

FIRST_NAMES = [
    "Amara", "Ben", "Chloe", "Dev", "Ellen", "Farid", "Grace", "Hugh", "Imogen", "Jonah",
    "Kiran", "Laura", "Marcus", "Nadia", "Owen", "Priya", "Quentin", "Rosa", "Sam", "Tessa",
]  # fmt: skip
LAST_NAMES = [
    "Abbott", "Bhatt", "Carver", "Dunmore", "Ellery", "Fenwick", "Gallagher", "Hale",
    "Iqbal", "Jessop", "Kendrick", "Lowther", "Mbeki", "Northcott", "Okafor", "Pennington",
]  # fmt: skip


@dataclass
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    la: str = ""
    sector: str = ""
    role: str = Post.Role.HEADTEACHER
    years_in_post: int = 6
    superuser: bool = False
    admin_site: bool = False


ACCOUNTS = [
    DemoAccount("primary.head@example.org", "Priya", "Northcott", OXFORDSHIRE, S.PRIMARY),
    DemoAccount("secondary.head@example.org", "Owen", "Fenwick", OXFORDSHIRE, S.SECONDARY),
    DemoAccount(
        "special.head@example.org", "Grace", "Okafor", OXFORDSHIRE, S.SPECIAL, years_in_post=0
    ),
    DemoAccount("coordinator@example.org", "Marcus", "Hale", OXFORDSHIRE, S.SECONDARY),
    DemoAccount("administrator@example.org", "Laura", "Jessop", admin_site=True),
    DemoAccount("oldham.head@example.org", "Farid", "Iqbal", OLDHAM, S.PRIMARY),
    DemoAccount("staff@example.org", "Sam", "Carver", superuser=True),
    DemoAccount("mentor@example.org", "Ruth", "Ellery", OXFORDSHIRE, S.SPECIAL, years_in_post=12),
    DemoAccount("coach@example.org", "Helen", "Marsh"),
]


class Seeder:
    def __init__(self, *, password: str, log=print):
        # Hashed once: a slow hash per account would make seeding take many seconds.
        self.password = password
        self.password_hash = make_password(password)
        self.log = log
        self.today = timezone.localdate()
        self._used_schools: set[int] = set()
        self._names = itertools.cycle(itertools.product(FIRST_NAMES, LAST_NAMES))

    @transaction.atomic
    def run(self) -> None:
        self.local_authorities()
        self.schools()
        networks = self.networks()
        accounts = self.accounts()
        self.memberships(networks, accounts)
        self.claim_waiting()
        self.workhubs(networks["oldham-schools-alliance"], accounts)
        seed_meetings(networks, accounts, self.log)
        seed_attendance(networks, accounts, self.log)
        seed_support(networks, accounts, self.log)
        seed_articles(networks, accounts, self.log)
        seed_leaders(self.fictional_heads("essex.leader", ESSEX, S.SECONDARY, 6),
                     networks["essex-sustainable-leadership"], self.log)  # fmt: skip
        seed_fees(networks, accounts, self.log)
        seed_announcements(networks, self.log)
        seed_voice(networks, self.log)
        seed_discussions(networks, self.log)
        self.log(
            "A member spreadsheet to bring in, as administrator@example.org, from OSSHTA's "
            f"office (Invitations and imports): {OSSHTA_SPREADSHEET}"
        )
        self.log(
            "Demo data ready. Sign in with any demo account (for example "
            f"secondary.head@example.org) and the password: {self.password}"
        )

    def local_authorities(self) -> None:
        with open(DATA / "local-authorities.csv", encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                LocalAuthority.objects.update_or_create(
                    code=row["code"], defaults={"name": row["name"]}
                )

    def schools(self) -> None:
        report = import_schools(DATA / "gias-synthetic-oxon-oldham-essex.csv")
        self.log(f"Schools: {report.summary()}")
        # The register's academy conversions: Plovercombe High School closed into
        # Teaselstead Catholic Academy, an OSSHTA member school (devdata/fees.py gives
        # Plovercombe its old invoices).
        links = import_links(DATA / "gias-links-synthetic.csv")
        self.log(f"Academy conversions: {len(links.converted)} new")

    def networks(self) -> dict[str, Network]:
        networks = {}
        for spec in NETWORKS:
            network, _ = Network.objects.get_or_create(
                slug=spec.slug,
                defaults={
                    "name": spec.name,
                    "short_name": spec.short_name,
                    "kind": spec.kind,
                    "join_policy": spec.join_policy,
                    "basis": spec.basis,
                    "eligible_sectors": list(spec.sectors),
                    "eligible_roles": list(spec.roles),
                    "state_funded_only": spec.state_funded_only,
                    "open_to_all": spec.open_to_all,
                    "parent": networks.get(spec.parent),
                    "requires_parent_membership": spec.requires_parent_membership,
                    "audience": spec.audience,
                    "summary": spec.summary,
                    "about": spec.about,
                    "meeting_rhythm": spec.rhythm,
                },
            )
            network.areas.set(LocalAuthority.objects.filter(code__in=spec.areas))
            if not network.purposes.exists():
                NetworkPurpose.objects.bulk_create(
                    NetworkPurpose(network=network, position=position, text=text)
                    for position, text in enumerate(spec.purposes)
                )
            networks[spec.slug] = network
        self.log(f"Networks: {len(networks)}")
        return networks

    def school(self, la: str, sector: str) -> School:
        """A different open, state-funded school of the kind each time."""
        school = (
            School.objects.open()
            .filter(local_authority__code=la, sector=sector, state_funded=True)
            .exclude(pk__in=self._used_schools)
            .order_by("urn")
            .first()
        )
        self._used_schools.add(school.pk)
        return school

    def person(
        self,
        email: str,
        first_name: str,
        last_name: str,
        *,
        school: School | None = None,
        role: str = Post.Role.HEADTEACHER,
        years_in_post: int = 6,
        **flags,
    ) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(
                email=email,
                password=self.password_hash,
                first_name=first_name,
                last_name=last_name,
                **flags,
            )
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        if school is not None:
            self._used_schools.add(school.pk)
            if not user.posts.filter(school=school).exists():
                started = self.today - datetime.timedelta(days=365 * years_in_post + 30)
                # The demo's heads are who they say they are: their posts are verified.
                Post.objects.create(
                    person=user,
                    school=school,
                    role=role,
                    started_on=started,
                    verification=Post.Verification.VERIFIED,
                    verified_how=Post.How.SITE_STAFF,
                    decided_at=timezone.now(),
                )
        return user

    def existing_school(self, email: str) -> School | None:
        post = Post.objects.filter(person__email=email).select_related("school").first()
        return post.school if post else None

    def accounts(self) -> dict[str, User]:
        accounts = {}
        for account in ACCOUNTS:
            school = self.existing_school(account.email)
            if school is None and account.la:
                school = self.school(account.la, account.sector)
            accounts[account.email] = self.person(
                account.email,
                account.first_name,
                account.last_name,
                school=school,
                role=account.role,
                years_in_post=account.years_in_post,
                is_superuser=account.superuser,
                is_staff=account.superuser or account.admin_site,
            )
        # Set by staff, as designations were before people could add their own.
        confirmed = {"state": Designation.State.CONFIRMED}
        Designation.objects.get_or_create(
            person=accounts["coordinator@example.org"],
            kind=Designation.Kind.LOCAL_LEADER,
            defaults=confirmed,
        )
        Designation.objects.get_or_create(
            person=accounts["primary.head@example.org"],
            kind=Designation.Kind.MENTOR,
            defaults=confirmed,
        )
        self.log(f"Demo accounts: {len(accounts)} (password: {self.password})")
        return accounts

    def fictional_heads(self, prefix: str, la: str, sector: str, count: int) -> list[User]:
        people = []
        for number in range(1, count + 1):
            email = f"{prefix}{number}@example.org"
            school = self.existing_school(email) or self.school(la, sector)
            first, last = next(self._names)
            people.append(self.person(email, first, last, school=school, years_in_post=number))
        return people

    def memberships(self, networks: dict[str, Network], accounts: dict[str, User]) -> None:
        def place(person, slug, *, role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE):
            network = networks[slug]
            membership = Membership.objects.live().filter(person=person, network=network).first()
            if membership is None:
                allowed = eligibility.eligibility_for(
                    network, User.objects.with_posts().get(pk=person.pk)
                )
                Membership.objects.create(
                    person=person,
                    network=network,
                    school=allowed.school if network.is_school_based else None,
                    status=status,
                    role=role,
                    started_at=timezone.now() if status == Membership.Status.ACTIVE else None,
                )
            elif membership.role != role:
                membership.role = role
                membership.save(update_fields=["role"])
            # Network administrators work in the admin site, scoped to their networks.
            network_services.sync_admin_site_access(person)

        coordinator = Membership.Role.COORDINATOR
        administrator = Membership.Role.ADMINISTRATOR
        place(accounts["primary.head@example.org"], "oxfordshire-primary-heads")
        place(accounts["coordinator@example.org"], "osshta", role=coordinator)
        place(accounts["administrator@example.org"], "osshta", role=administrator)

        # Coordinators and members for every network, so each page has people on it.
        oxon_primary = self.fictional_heads("oxon.primary.head", OXFORDSHIRE, S.PRIMARY, 6)
        oxon_secondary = self.fictional_heads("oxon.secondary.head", OXFORDSHIRE, S.SECONDARY, 5)
        oxon_special = self.fictional_heads("oxon.special.head", OXFORDSHIRE, S.SPECIAL, 3)
        oldham_primary = self.fictional_heads("oldham.primary.head", OLDHAM, S.PRIMARY, 5)
        oldham_secondary = self.fictional_heads("oldham.secondary.head", OLDHAM, S.SECONDARY, 3)
        essex = self.fictional_heads("essex.head", ESSEX, S.PRIMARY, 4)

        for index, head in enumerate(oxon_primary):
            place(head, "oxfordshire-primary-heads", role=coordinator if index < 3 else "member")
            place(head, "educational-briefings")
        for head in oxon_special:
            place(head, "oassh", role=coordinator if head == oxon_special[0] else "member")
        place(oxon_special[1], "oassh-data-user-group", role=coordinator)
        place(oxon_primary[5], "educational-briefings", role=coordinator)
        place(oldham_secondary[0], "oashp", role=administrator)
        place(oldham_secondary[1], "oashp")
        place(oldham_secondary[2], "oashp", status=Membership.Status.PENDING)
        place(essex[0], "essex-sustainable-leadership", role=administrator)
        place(essex[1], "essex-sustainable-leadership")
        place(essex[2], "essex-sustainable-leadership", status=Membership.Status.PENDING)
        place(essex[3], "heads-up", role=coordinator)
        place(oxon_primary[4], "heads-up")
        place(essex[0], "headteachers-roundtable", role=administrator)
        place(oldham_primary[0], "oldham-schools-alliance", role=administrator)
        place(oldham_primary[1], "oldham-schools-alliance", role=coordinator)

        # Automatic networks enrol everyone eligible, as the reconcile command does daily.
        for person in [*oxon_secondary, *oldham_primary, *oldham_secondary]:
            network_services.sync_automatic_memberships(person=person, welcome=False)
        for slug in ["secondary.head@example.org", "oldham.head@example.org"]:
            network_services.sync_automatic_memberships(person=accounts[slug], welcome=False)
        place(oxon_secondary[0], "osshta", role=coordinator)
        place(accounts["coordinator@example.org"], "osshta-coordinating-group", role=coordinator)
        place(oxon_secondary[0], "osshta-coordinating-group")
        # Two requests to join OSSHTA wait for its administrator (administrator@example.org).
        for applicant in self.fictional_heads("oxon.secondary.applicant", OXFORDSHIRE,
                                              S.SECONDARY, 2):  # fmt: skip
            if not Membership.objects.filter(person=applicant, network=networks["osshta"]).exists():
                place(applicant, "osshta", status=Membership.Status.PENDING)

    def claim_waiting(self) -> None:
        """A fictional person claims the headship of an OSSHTA member school: the claim
        waits in OSSHTA's queue (administrator@example.org), and takes nothing meanwhile."""
        seat = (
            Membership.objects.active()
            .filter(network__slug="osshta", person__email__startswith="oxon.secondary.head")
            .select_related("school")
            .order_by("school__urn")
            .last()
        )
        claimant = self.person("claimant@example.org", "Rory", "Pendle")
        if not claimant.posts.exists():
            Post.objects.create(
                person=claimant,
                school=seat.school,
                role=Post.Role.HEADTEACHER,
                started_on=self.today - datetime.timedelta(days=3),
            )

    def workhubs(self, alliance: Network, accounts: dict[str, User]) -> None:
        this_year = academic_year_of(self.today)
        for year, names in [(2016, OLDHAM_WORKHUBS_2016), (this_year, OLDHAM_WORKHUBS_NOW)]:
            for name in names:
                Workhub.objects.get_or_create(
                    network=alliance,
                    academic_year=year,
                    name=name,
                    defaults={"description": WORKHUB_DESCRIPTIONS[name]},
                )
        send = alliance.workhubs.get(academic_year=this_year, name="SEND")
        WorkhubMembership.objects.get_or_create(
            workhub=send, person=accounts["oldham.head@example.org"], defaults={"is_lead": True}
        )
        # Two more heads of the alliance work in it, so its announcement reaches a team.
        for person in User.objects.filter(
            email__in=["oldham.primary.head3@example.org", "oldham.primary.head4@example.org"]
        ):
            network_services.join_workhub(person=person, workhub=send)
