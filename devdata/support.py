"""Demo mentoring and coaching (the demo accounts in README.md), called by seed_demo
(devdata.demo).

OASSH's scheme with two mentors (mentor@example.org among them) and a broker;
special.head@example.org, a new special-school head, is ready to ask. Essex's
scheme, run by the local authority and brokered by an LA officer, with a first-year
head waiting. Heads Up with two coaches (coach@example.org among them) and one
request waiting. Idempotent: everything is looked up before it is made.
"""

import datetime

from django.utils import timezone

from members.models import Designation, LocalAuthority, Post, School, User
from networks.models import Membership, Network
from support.models import (
    Broker,
    Coach,
    MentoringScheme,
    MentorOffer,
    MentorRequest,
    SupportRequest,
)


def _person(email: str) -> User:
    return User.objects.get(email=email)


def _offer(scheme, mentor, sectors, capacity, note):
    offer, _ = MentorOffer.objects.get_or_create(
        scheme=scheme,
        mentor=mentor,
        defaults={"sectors": sectors, "capacity": capacity, "note": note},
    )
    return offer


def _la_officer(essex: LocalAuthority) -> User:
    """Essex's mentoring broker: a local authority officer. Posts sit at a school in the
    register, so the officer's post names the Essex school their team works from."""
    officer = User.objects.filter(email="essex.la.officer@example.org").first()
    if officer is None:
        heads = User.objects.get(email="essex.head1@example.org")
        officer = User.objects.create(
            email="essex.la.officer@example.org",
            password=heads.password,
            first_name="Dominic",
            last_name="Ashby",
        )
        Post.objects.create(
            person=officer,
            school=School.objects.open().filter(local_authority=essex).order_by("urn").last(),
            role=Post.Role.LA_OFFICER,
            started_on=timezone.localdate() - datetime.timedelta(days=2000),
            verification=Post.Verification.VERIFIED,
            verified_how=Post.How.SITE_STAFF,
            decided_at=timezone.now(),
        )
    return officer


def _oassh(network: Network, accounts: dict[str, User]) -> None:
    scheme, _ = MentoringScheme.objects.get_or_create(
        slug="oassh-mentoring",
        defaults={
            "name": "OASSH mentoring for new heads",
            "network": network,
            "about": "Experienced special-school heads mentor heads in their first two years.",
        },
    )
    Broker.objects.get_or_create(scheme=scheme, person=_person("oxon.special.head1@example.org"))
    mentor = accounts["mentor@example.org"]
    for kind in (Designation.Kind.MENTOR, Designation.Kind.LOCAL_LEADER):
        Designation.objects.get_or_create(person=mentor, kind=kind)
    _offer(scheme, mentor, ["special"], 2, "Twelve years as head of a special school.")
    _offer(
        scheme,
        _person("oxon.special.head3@example.org"),
        ["special", "primary"],
        1,
        "Happy to help with finance and Ofsted.",
    )


def _essex() -> None:
    essex = LocalAuthority.objects.get(code="881")
    scheme, _ = MentoringScheme.objects.get_or_create(
        slug="essex-first-year-heads",
        defaults={
            "name": "Essex mentoring for first-year heads",
            "local_authority": essex,
            "about": "Every first-year head in Essex is offered a mentor by the local authority.",
        },
    )
    Broker.objects.get_or_create(scheme=scheme, person=_la_officer(essex))
    _offer(scheme, _person("essex.head3@example.org"), ["primary"], 2, "")
    new_head = _person("essex.head1@example.org")
    if not MentorRequest.objects.filter(scheme=scheme, mentee=new_head).exists():
        MentorRequest.objects.create(scheme=scheme, mentee=new_head, note="A first headship.")


def _heads_up(network: Network, accounts: dict[str, User]) -> None:
    for person in (accounts["coach@example.org"], _person("essex.head4@example.org")):
        Coach.objects.get_or_create(network=network, person=person)
        if not Membership.objects.live().filter(person=person, network=network).exists():
            Membership.objects.create(
                person=person,
                network=network,
                status=Membership.Status.ACTIVE,
                started_at=timezone.now(),
            )
    requester = _person("oxon.primary.head5@example.org")
    if not SupportRequest.objects.filter(network=network, requester=requester).exists():
        # Made directly: the demo does not email the coaches.
        SupportRequest.objects.create(
            network=network,
            requester=requester,
            help=SupportRequest.Help.TALK,
            contact_by=SupportRequest.ContactBy.PHONE,
            contact_when="Weekday evenings",
        )


def seed_support(networks: dict[str, Network], accounts: dict[str, User], log) -> None:
    _oassh(networks["oassh"], accounts)
    _essex()
    _heads_up(networks["heads-up"], accounts)
    log("Support: OASSH and Essex mentoring schemes; Heads Up's coaches with one request")
