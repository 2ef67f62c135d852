"""Accepting an invitation, on the network's page (docs/rules.md, "Joining").

An invitation is the administrators' yes to a person, whatever the network's rules say
about who it is for. In a network whose members are schools it never makes a seat out
of nothing or takes one: the person accepts for a school they lead by a verified
headship whose seat is free (or theirs). Until there is one, the invitation waits and
the page says why; no membership without a school is made, which fees would never
invoice and a hand-over never move.
"""

import pytest
from django.core import mail
from django.urls import reverse

from members.models import Post
from networks import services
from networks.models import Invitation, Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def association(administrator):
    """A school-based association by invitation (the administrator runs another network:
    they need no seat of their own here)."""
    return factories.make_network(
        name="Oxford Heads Association",
        basis=Network.Basis.SCHOOL,
        join_policy=Network.JoinPolicy.INVITATION,
    )


def _invite(network, person, by):
    invitation = services.invite(network=network, email=person.email, by=by)
    mail.outbox.clear()
    return invitation


def _page(client, network) -> str:
    return client.get(network.get_absolute_url()).content.decode()


def _accept(client, network):
    return client.post(reverse("networks:join", args=[network.slug]), follow=True)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_an_invited_co_head_cannot_accept_while_the_schools_seat_is_held(
    client, association, administrator
):
    school = factories.make_school(name="Cherwell Primary")
    holder = factories.make_head(school=school, first_name="Holly", last_name="Holder")
    services.join_network(person=holder, network=_invited(association, holder, administrator))
    co_head = factories.make_user()
    factories.make_post(person=co_head, school=school, role=Post.Role.HEAD_OF_SCHOOL)
    invitation = _invite(association, co_head, administrator)
    client.force_login(co_head)

    page = _page(client, association)
    response = _accept(client, association)

    assert "Accept invitation" not in page
    assert "Cherwell Primary is already a member" in page
    assert "Your invitation stays open" in page
    assert not Membership.objects.filter(person=co_head).exists()
    assert "Cherwell Primary is already a member" in _messages(response)[0]
    invitation.refresh_from_db()
    assert invitation.accepted_at is None  # still there for when the seat is free


def test_an_invited_person_who_leads_no_school_is_told_a_seat_needs_a_headship(
    client, association, administrator
):
    officer = factories.make_user()
    factories.make_post(person=officer, role=Post.Role.LA_OFFICER)
    _invite(association, officer, administrator)
    client.force_login(officer)

    page = _page(client, association)
    _accept(client, association)

    assert "Accept invitation" not in page
    assert "its members are schools" in page
    assert not Membership.objects.filter(person=officer).exists()


def test_an_invited_head_with_an_unconfirmed_headship_waits_for_confirmation(
    client, association, administrator
):
    claimant = factories.make_head(verified=False)
    _invite(association, claimant, administrator)
    client.force_login(claimant)

    _accept(client, association)

    assert "is not yet confirmed" in _page(client, association)
    assert not Membership.objects.filter(person=claimant).exists()


def test_an_invited_head_from_outside_the_area_accepts_for_their_school(
    client, association, administrator
):
    essex = factories.make_la(code="881", name="Essex")
    school = factories.make_school(name="Chelmsford Primary", la=essex)
    head = factories.make_head(school=school)
    invitation = _invite(association, head, administrator)
    client.force_login(head)
    assert "Accept invitation" in _page(client, association)

    _accept(client, association)

    seat = Membership.objects.get(person=head, network=association)
    assert (seat.status, seat.school) == (Membership.Status.ACTIVE, school)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert "for Chelmsford Primary" in _page(client, association)


def test_an_invitation_to_a_person_based_network_needs_no_post(client, administrator):
    network = factories.make_network(join_policy=Network.JoinPolicy.INVITATION)
    guest = factories.make_user()
    _invite(network, guest, administrator)
    client.force_login(guest)

    _accept(client, network)

    membership = Membership.objects.get(person=guest, network=network)
    assert (membership.status, membership.school) == (Membership.Status.ACTIVE, None)


def _invited(network, person, by) -> Network:
    Invitation.objects.create(network=network, email=person.email, invited_by=by)
    return network


def test_an_invitation_is_accepted_by_signing_in_with_its_address_and_keeps_no_token(
    network, administrator
):
    """The address is the key: the email links to the network's page, where the person
    signed in with that address accepts. A token that nothing read is gone."""
    services.invite(network=network, email="new.head@school.example", by=administrator)

    [email] = mail.outbox
    assert network.get_absolute_url() in email.body
    assert "with this email address" in email.body
    assert "token" not in {field.name for field in Invitation._meta.get_fields()}
