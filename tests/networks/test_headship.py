"""When a school's head changes: seats of school-based networks pass with the school."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.models import Post
from networks import services
from networks.models import Membership, Network
from portal import services as portal_services
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
LONG_AGO = TODAY - datetime.timedelta(days=2000)


@pytest.fixture
def school_based():
    return factories.make_network(name="OASHP", basis=Network.Basis.SCHOOL)


@pytest.fixture
def school():
    return factories.make_school(name="Hollins Primary")


def _head_of(school, role=Post.Role.HEADTEACHER, **fields):
    """A head whose post is verified: by its evidence alone where no verified head is in
    post (the register's name and an address at the school's own domain), else by staff."""
    person = factories.make_user(**fields)
    factories.register_as_head(school, person)
    post = portal_services.add_post(person=person, school=school, role=role, started_on=LONG_AGO)
    if not post.is_verified:
        staff = factories.make_user(is_superuser=True)
        post = services.confirm_claim(post=post, how=Post.How.SITE_STAFF, by=staff)
    return person, post


def _recipients() -> set[str]:
    return {address for email in mail.outbox for address in email.to}


def test_a_new_heads_evidence_alone_takes_no_seat_from_a_verified_head_in_post(
    school_based, school
):
    old_head, _ = _head_of(school, email="old.head@school.example")
    old_seat = services.join_network(person=old_head, network=school_based)
    new_head = factories.make_user(email="new.head@school.example")
    factories.register_as_head(school, new_head)
    mail.outbox.clear()

    post = portal_services.add_post(
        person=new_head, school=school, role=Post.Role.HEADTEACHER, started_on=TODAY
    )

    # The register has moved on and the address is the school's: still a claim, for the
    # head in post to decide.
    assert post.verification == Post.Verification.UNVERIFIED
    old_seat.refresh_from_db()
    assert old_seat.is_active
    assert _recipients() == {"old.head@school.example"}


def test_the_seat_passes_to_a_new_head_when_the_sitting_head_decides(client, school_based, school):
    old_head, _ = _head_of(school, email="old.head@school.example")
    old_seat = services.join_network(person=old_head, network=school_based)
    new_head = factories.make_user(email="new.head@school.example")
    post = portal_services.add_post(
        person=new_head, school=school, role=Post.Role.HEADTEACHER, started_on=TODAY
    )
    client.force_login(old_head)

    # Confirming the new head's post moves nothing: the page asks about the seats.
    response = client.post(reverse("portal:claim_confirm", args=[post.pk]), follow=True)
    assert "seats stay with its sitting head until they" in response.content.decode()
    old_seat.refresh_from_db()
    assert old_seat.is_active
    mail.outbox.clear()

    client.post(reverse("portal:claim_seats", args=[post.pk]), {"decision": "pass"})

    old_seat.refresh_from_db()
    assert old_seat.status == Membership.Status.LAPSED
    new_seat = Membership.objects.live().get(network=school_based)
    assert (new_seat.person, new_seat.school, new_seat.status) == (
        new_head,
        school,
        Membership.Status.ACTIVE,
    )
    assert _recipients() == {"old.head@school.example", "new.head@school.example"}
    to_old = next(email for email in mail.outbox if email.to == [old_head.email])
    assert "has passed to them" in to_old.body


def test_the_seat_passes_when_the_old_heads_post_ends(school_based, school):
    old_head, old_post = _head_of(school, email="old.head@school.example")
    old_seat = services.join_network(person=old_head, network=school_based)
    # A head of school works alongside; the headteacher holds the seat until they go.
    successor, _ = _head_of(school, Post.Role.HEAD_OF_SCHOOL, email="successor@school.example")
    assert Membership.objects.live().get(network=school_based).person == old_head
    mail.outbox.clear()

    portal_services.end_post(post=old_post, ended_on=YESTERDAY)

    old_seat.refresh_from_db()
    assert old_seat.status == Membership.Status.LAPSED
    assert Membership.objects.live().get(network=school_based, school=school).person == successor
    assert _recipients() == {"old.head@school.example", "successor@school.example"}


def test_a_seat_with_no_head_waits_for_the_next_one(school_based, school):
    old_head, old_post = _head_of(school)
    services.join_network(person=old_head, network=school_based)
    portal_services.end_post(post=old_post, ended_on=YESTERDAY)
    assert not Membership.objects.live().filter(network=school_based).exists()

    new_head = factories.make_user()
    factories.register_as_head(school, new_head)
    portal_services.add_post(
        person=new_head, school=school, role=Post.Role.INTERIM_HEAD, started_on=TODAY
    )

    assert Membership.objects.live().get(network=school_based, school=school).person == new_head


def test_in_a_person_based_network_a_head_keeps_their_membership_when_they_change_school(
    network, school
):
    head, old_post = _head_of(school)
    membership = services.join_network(person=head, network=network)
    successor = factories.make_user()

    portal_services.add_post(
        person=head,
        school=factories.make_school(),
        role=Post.Role.HEADTEACHER,
        started_on=TODAY,
    )
    portal_services.end_post(post=old_post, ended_on=YESTERDAY)
    portal_services.add_post(
        person=successor, school=school, role=Post.Role.HEADTEACHER, started_on=TODAY
    )

    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert not Membership.objects.filter(person=successor).exists()


def test_an_executive_head_of_two_schools_keeps_their_seat_when_one_post_ends(school_based):
    first, second = factories.make_school(), factories.make_school(name="Second School")
    executive = factories.make_user(email="exec@school.example")
    factories.register_as_head(first, executive)
    factories.register_as_head(second, executive)
    posts = {
        school: portal_services.add_post(
            person=executive, school=school, role=Post.Role.EXECUTIVE_HEAD, started_on=LONG_AGO
        )
        for school in (first, second)
    }
    seat = services.join_network(person=executive, network=school_based)
    seat_school = seat.school
    other_school = second if seat_school == first else first
    mail.outbox.clear()

    portal_services.end_post(post=posts[seat_school], ended_on=YESTERDAY)

    seat.refresh_from_db()
    assert seat.status == Membership.Status.ACTIVE
    assert seat.school == other_school
    assert [email.to for email in mail.outbox] == [["exec@school.example"]]
    assert f"You remain a member of OASHP for {other_school.name}" in mail.outbox[0].body


def test_a_head_of_school_keeps_their_schools_seat_beside_an_executive_head_seated_elsewhere(
    school_based,
):
    first = factories.make_school()
    second = factories.make_school(name="Federated School", website="www.federated.sch.uk")
    executive = factories.make_user()
    for school in (first, second):
        factories.make_post(person=executive, school=school, role=Post.Role.EXECUTIVE_HEAD)
    factories.make_membership(person=executive, network=school_based, school=first)
    head_of_school, _ = _head_of(second, Post.Role.HEAD_OF_SCHOOL)
    seat = services.join_network(person=head_of_school, network=school_based)
    assert seat.school == second
    mail.outbox.clear()

    # Another change at the school, and the nightly reconcile, both leave it alone.
    # (A deputy whose verified address is at the school's domain: verified at once.)
    portal_services.add_post(
        person=factories.make_user(email="deputy@federated.sch.uk"),
        school=second,
        role=Post.Role.SENIOR_LEADER,
        started_on=YESTERDAY,
    )
    call_command("reconcile_memberships", stdout=StringIO())

    seat.refresh_from_db()
    assert seat.status == Membership.Status.ACTIVE
    assert Membership.objects.live().filter(network=school_based).count() == 2
    assert not mail.outbox
