"""A person's mentoring and coaching work, for the top of /me/: what waits for them as a
coach, a broker, a mentor or a new head, with counts and the page where it is.

One query finds which of these the person is; then one more for each that applies
(their coach pools and coaching requests, the schemes they broker or asked, their live
pairings), whatever the numbers. Someone with none of these roles pays one query."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from members.models import User
from networks.models import Network

from .models import (
    Broker,
    CheckIn,
    CheckInReply,
    Coach,
    MentoringScheme,
    MentorRequest,
    Pairing,
    SupportRequest,
)


@dataclass
class CoachingRow:
    """A network where the person coaches, or asked its coaches for help, or both."""

    network: Network
    is_coach: bool
    waiting: int  # requests waiting for a coach (not counting the person's own)
    held: int  # open requests the person holds
    asked_pk: int | None  # the person's own open request there
    asked_state: str

    @property
    def asked_status(self) -> str:
        return SupportRequest.REQUESTER_STATUS[self.asked_state] if self.asked_pk else ""


@dataclass
class SchemeRow:
    """A scheme the person brokers, or asked for a mentor and waits in."""

    scheme: MentoringScheme
    is_broker: bool
    to_match: int  # requests waiting for a broker to propose a mentor
    proposals: int  # proposed pairings waiting for answers
    asked_on: object  # when the person's own open request was made, or None

    @property
    def asked_status(self) -> str:
        return MentorRequest.State.OPEN.label if self.asked_on else ""


@dataclass
class PairingRow:
    """One of the person's live pairings, and what it waits for from them."""

    pairing: Pairing
    role: str  # "mentor" or "mentee"
    to_accept: bool
    check_in_due: int | None  # months of the latest check-in they have not answered

    @property
    def other(self) -> User:
        return self.pairing.mentee if self.role == "mentor" else self.pairing.mentor


@dataclass
class SupportWork:
    coaching: list[CoachingRow] = field(default_factory=list)
    schemes: list[SchemeRow] = field(default_factory=list)
    pairings: list[PairingRow] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.coaching or self.schemes or self.pairings)

    @property
    def pools(self) -> list[CoachingRow]:
        return [row for row in self.coaching if row.is_coach]

    @property
    def asked(self) -> list[CoachingRow]:
        return [row for row in self.coaching if row.asked_pk]

    @property
    def brokered(self) -> list[SchemeRow]:
        return [row for row in self.schemes if row.is_broker]

    @property
    def mentor_requests(self) -> list[SchemeRow]:
        return [row for row in self.schemes if row.asked_on]

    @property
    def to_accept(self) -> list[PairingRow]:
        return [row for row in self.pairings if row.to_accept]

    @property
    def check_ins_due(self) -> list[PairingRow]:
        return [row for row in self.pairings if row.check_in_due]


def _count(queryset, outer: str):
    """How many rows of the queryset belong to the outer query's row (a subquery)."""
    counted = queryset.filter(**{outer: OuterRef("pk")}).order_by().values(outer)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


ROLES = ("coaches", "asked_coaches", "brokers", "asked_mentor", "paired")


def role_flags() -> dict:
    """Which of these the person is, as annotations of a query of users: one query tells
    (work_for's, or a page's own that asks other things of the person at once)."""
    return {
        "coaches": Exists(Coach.objects.filter(person=OuterRef("pk"))),
        "asked_coaches": Exists(
            SupportRequest.objects.filter(
                requester=OuterRef("pk"), state__in=SupportRequest.OPEN_STATES
            )
        ),
        "brokers": Exists(Broker.objects.filter(person=OuterRef("pk"))),
        "asked_mentor": Exists(
            MentorRequest.objects.filter(mentee=OuterRef("pk"), state=MentorRequest.State.OPEN)
        ),
        "paired": Exists(
            Pairing.objects.live().filter(Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk")))
        ),
    }


def work_for(person: User, roles: dict | None = None) -> SupportWork:
    """What of mentoring and coaching waits for the person; `roles`: their role_flags(),
    if the caller read them."""
    if roles is None:
        roles = User.objects.filter(pk=person.pk).annotate(**role_flags()).values(*ROLES).first()
    work = SupportWork()
    if not roles:
        return work
    if roles["coaches"] or roles["asked_coaches"]:
        work.coaching = _coaching(person)
    if roles["brokers"] or roles["asked_mentor"]:
        work.schemes = _schemes(person)
    if roles["paired"]:
        work.pairings = _pairings(person)
    return work


def _coaching(person: User) -> list[CoachingRow]:
    """The networks where the person coaches or waits for a coach, with counts (one query)."""
    requests = SupportRequest.objects.all()
    mine = requests.filter(
        network=OuterRef("pk"), requester=person, state__in=SupportRequest.OPEN_STATES
    ).order_by("-created_at")
    coached = Coach.objects.filter(person=person).values("network")
    asked = requests.filter(requester=person, state__in=SupportRequest.OPEN_STATES).values(
        "network"
    )
    networks = (
        Network.objects.filter(Q(pk__in=coached) | Q(pk__in=asked))
        .annotate(
            is_coach=Exists(Coach.objects.filter(network=OuterRef("pk"), person=person)),
            waiting_count=_count(requests.waiting().exclude(requester=person), "network"),
            held_count=_count(
                requests.filter(coach=person, state=SupportRequest.State.TAKEN), "network"
            ),
            asked_pk=Subquery(mine.values("pk")[:1]),
            asked_state=Subquery(mine.values("state")[:1]),
        )
        .order_by("name")
    )
    return [
        CoachingRow(
            network=network,
            is_coach=network.is_coach,
            waiting=network.waiting_count if network.is_coach else 0,
            held=network.held_count if network.is_coach else 0,
            asked_pk=network.asked_pk,
            asked_state=network.asked_state or "",
        )
        for network in networks
    ]


def _schemes(person: User) -> list[SchemeRow]:
    """The schemes the person brokers or waits in for a mentor, with counts (one query)."""
    open_requests = MentorRequest.objects.filter(state=MentorRequest.State.OPEN)
    mine = open_requests.filter(scheme=OuterRef("pk"), mentee=person)
    brokered = Broker.objects.filter(person=person).values("scheme")
    schemes = (
        MentoringScheme.objects.filter(
            Q(pk__in=brokered) | Q(pk__in=open_requests.filter(mentee=person).values("scheme"))
        )
        .annotate(
            is_broker=Exists(Broker.objects.filter(scheme=OuterRef("pk"), person=person)),
            to_match=_count(open_requests, "scheme"),
            proposals=_count(Pairing.objects.filter(state=Pairing.State.PROPOSED), "scheme"),
            asked_on=Subquery(mine.values("created_at")[:1]),
        )
        .order_by("name")
    )
    return [
        SchemeRow(
            scheme=scheme,
            is_broker=scheme.is_broker,
            to_match=scheme.to_match if scheme.is_broker else 0,
            proposals=scheme.proposals if scheme.is_broker else 0,
            asked_on=scheme.asked_on,
        )
        for scheme in schemes
    ]


def _pairings(person: User) -> list[PairingRow]:
    """The person's live pairings, each with the check-in it waits for them to answer: the
    latest one, if they have not answered it (as the mentoring page asks). One query."""
    later = CheckIn.objects.filter(pairing=OuterRef("pairing"), months__gt=OuterRef("months"))
    unanswered_latest = (
        CheckIn.objects.filter(pairing=OuterRef("pk"), pairing__state=Pairing.State.ACTIVE)
        .exclude(Exists(CheckInReply.objects.filter(check_in=OuterRef("pk"), person=person)))
        .exclude(Exists(later))
    )
    pairings = (
        Pairing.objects.live()
        .for_person(person)
        .select_related("scheme", "mentor", "mentee")
        .defer("mentor__password", "mentee__password")  # kept with /me/: no hashes there
        .annotate(due_months=Subquery(unanswered_latest.values("months")[:1]))
        .order_by("-proposed_at")
    )
    return [
        PairingRow(
            pairing=pairing,
            role="mentor" if pairing.mentor_id == person.pk else "mentee",
            to_accept=pairing.waits_for(person.pk),
            check_in_due=pairing.due_months,
        )
        for pairing in pairings
    ]
