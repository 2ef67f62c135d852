"""Joining by each policy through POST /networks/<slug>/join/, leaving and rejoining."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from members.models import Post
from networks import eligibility, services
from networks.models import Membership, Network, WorkhubMembership
from portal import services as portal_services
from tests import factories

pytestmark = pytest.mark.django_db


def _join(client, network):
    return client.post(reverse("networks:join", args=[network.slug]), follow=True)


def _leave(client, network):
    return client.post(reverse("networks:leave", args=[network.slug]), follow=True)


def _page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_joining_an_open_network_makes_an_active_member_at_once(client, head, network):
    client.force_login(head)

    response = _join(client, network)

    membership = Membership.objects.get(person=head, network=network)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.started_at is not None
    assert f"You are now a member of {network.name}." in _page_messages(response)
    assert "Leave" in response.content.decode()


def test_joining_an_approval_network_makes_a_pending_request_and_emails_its_administrators(
    client, head, network, administrator, coordinator
):
    network.join_policy = Network.JoinPolicy.APPROVAL
    network.save()
    client.force_login(head)

    response = _join(client, network)

    membership = Membership.objects.get(person=head, network=network)
    assert membership.status == Membership.Status.PENDING
    assert "has been sent to its administrators" in _page_messages(response)[0]
    assert "Your request to join is waiting" in response.content.decode()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [administrator.email]  # administrators only, not coordinators
    assert f"/networks/{network.slug}/requests/" in email.body
    assert head.get_full_name() in email.subject


def test_an_invitation_only_network_refuses_a_request_without_an_invitation(client, head, network):
    network.join_policy = Network.JoinPolicy.INVITATION
    network.save()
    client.force_login(head)

    response = _join(client, network)

    assert not Membership.objects.filter(person=head, network=network).exists()
    assert "by invitation only" in _page_messages(response)[0]


def test_an_invited_person_joins_an_invitation_only_network(client, head, network, administrator):
    network.join_policy = Network.JoinPolicy.INVITATION
    network.save()
    invitation = services.invite(network=network, email=head.email.upper(), by=administrator)
    assert mail.outbox[-1].to == [head.email]
    client.force_login(head)
    assert "Accept invitation" in client.get(network.get_absolute_url()).content.decode()

    _join(client, network)

    membership = Membership.objects.get(person=head, network=network)
    assert membership.status == Membership.Status.ACTIVE
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_a_person_who_is_not_eligible_cannot_join_and_is_told_why(client, network):
    oldham_head = factories.make_head(school=factories.make_school(la=_oldham()))
    client.force_login(oldham_head)

    response = _join(client, network)

    assert not Membership.objects.filter(person=oldham_head).exists()
    assert "in Oxfordshire" in _page_messages(response)[0]


def _oldham():
    return factories.make_la(code="353", name="Oldham")


def _automatic_network(**fields):
    return factories.make_network(
        name="Oxfordshire Secondary Heads",
        sectors=["secondary", "all_through"],
        join_policy=Network.JoinPolicy.AUTOMATIC,
        **fields,
    )


def test_a_new_post_enrols_the_person_in_automatic_networks_they_are_eligible_for():
    network = _automatic_network()
    person = factories.make_user()

    portal_services.add_post(
        person=person,
        school=factories.make_school(sector="secondary", head=person),
        role=Post.Role.HEADTEACHER,
        started_on=timezone.localdate(),
    )

    membership = Membership.objects.get(person=person, network=network)
    assert membership.status == Membership.Status.ACTIVE


def test_a_post_the_automatic_network_does_not_cover_enrols_nobody():
    _automatic_network()
    person = factories.make_user()

    portal_services.add_post(
        person=person,
        school=factories.make_school(sector="primary", head=person),
        role=Post.Role.HEADTEACHER,
        started_on=timezone.localdate(),
    )

    assert not Membership.objects.filter(person=person).exists()


def test_a_person_based_automatic_membership_lapses_when_the_post_ends():
    network = _automatic_network()
    person = factories.make_user()
    post = portal_services.add_post(
        person=person,
        school=factories.make_school(sector="secondary", head=person),
        role=Post.Role.HEADTEACHER,
        started_on=timezone.localdate() - datetime.timedelta(days=400),
    )

    portal_services.end_post(post=post, ended_on=timezone.localdate() - datetime.timedelta(days=1))

    membership = Membership.objects.get(person=person, network=network)
    assert membership.status == Membership.Status.LAPSED


def test_someone_who_left_an_automatic_network_is_not_put_back_by_a_post_change():
    network = _automatic_network()
    person = factories.make_user()
    portal_services.add_post(
        person=person,
        school=factories.make_school(sector="secondary", head=person),
        role=Post.Role.HEADTEACHER,
        started_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    services.leave_network(person=person, network=network)

    portal_services.add_post(
        person=person,
        school=factories.make_school(sector="secondary", head=person),
        role=Post.Role.EXECUTIVE_HEAD,
        started_on=timezone.localdate(),
    )

    assert not Membership.objects.live().filter(person=person, network=network).exists()


def test_leaving_ends_the_membership_and_rejoining_makes_a_new_one(client, member, network):
    client.force_login(member)

    response = _leave(client, network)

    old = Membership.objects.get(person=member, network=network)
    assert old.status == Membership.Status.LEFT
    assert old.ended_at is not None
    assert f"You have left {network.name}" in _page_messages(response)[0]

    _join(client, network)

    assert Membership.objects.filter(person=member, network=network).count() == 2
    live = Membership.objects.live().get(person=member, network=network)
    assert live.pk != old.pk
    assert live.status == Membership.Status.ACTIVE


def test_withdrawing_a_pending_request_says_so(client, head, network):
    network.join_policy = Network.JoinPolicy.APPROVAL
    network.save()
    client.force_login(head)
    _join(client, network)

    response = _leave(client, network)

    assert "has been withdrawn" in _page_messages(response)[0]
    assert not Membership.objects.live().filter(person=head).exists()


def test_leaving_a_network_leaves_its_workhubs_too(client, member, network, other_network):
    workhub = factories.make_workhub(network=network)
    services.join_workhub(person=member, workhub=workhub)
    elsewhere = factories.make_workhub(network=other_network)
    factories.make_membership(person=member, network=other_network)
    services.join_workhub(person=member, workhub=elsewhere)
    client.force_login(member)

    _leave(client, network)

    assert list(WorkhubMembership.objects.filter(person=member)) == [
        WorkhubMembership.objects.get(workhub=elsewhere)
    ]


def test_leaving_a_network_you_are_not_in_says_so(client, head, network):
    client.force_login(head)

    response = _leave(client, network)

    assert _page_messages(response) == [f"You are not a member of {network.name}."]


def test_joining_twice_keeps_one_membership_and_says_already(client, head, network):
    client.force_login(head)
    _join(client, network)

    response = _join(client, network)

    assert Membership.objects.filter(person=head, network=network).count() == 1
    assert "already" in _page_messages(response)[0]


def test_the_database_refuses_a_second_live_membership(member, network):
    with (
        pytest.raises(IntegrityError, match="networks_membership_one_live|UNIQUE"),
        transaction.atomic(),
    ):
        Membership.objects.create(person=member, network=network, status=Membership.Status.PENDING)


def test_the_database_allows_a_new_membership_after_the_old_one_ended(member, network):
    Membership.objects.filter(person=member).update(status=Membership.Status.LEFT)

    Membership.objects.create(person=member, network=network, status=Membership.Status.ACTIVE)

    assert Membership.objects.filter(person=member, network=network).count() == 2


def test_an_invitation_to_an_approval_network_admits_the_person_without_a_request(
    client, head, network, administrator
):
    network.join_policy = Network.JoinPolicy.APPROVAL
    network.save()
    services.invite(network=network, email=head.email, by=administrator)
    mail.outbox.clear()
    client.force_login(head)
    assert "Accept invitation" in client.get(network.get_absolute_url()).content.decode()

    _join(client, network)

    assert Membership.objects.get(person=head, network=network).is_active
    assert not mail.outbox  # nothing left for the administrators to decide
    assert network.invitations.get().accepted_at is not None


def test_a_head_whose_schools_seat_was_taken_a_moment_ago_is_told_so(client, monkeypatch):
    """Two heads of one school click "Join" at once: the database keeps one seat (on
    PostgreSQL, test_concurrency races them for real); the other is told, not shown a
    server error. Here the race is replayed: the page was loaded while the seat was free."""
    network = factories.make_network(basis=Network.Basis.SCHOOL)
    school = factories.make_school(name="Cherwell Primary")
    first = factories.make_head(school=school, first_name="Fran", last_name="First")
    second = factories.make_user()
    factories.make_post(person=second, school=school, role=Post.Role.HEAD_OF_SCHOOL)
    seen_while_free = eligibility.join_option_for(network, second)
    services.join_network(person=first, network=network)  # a moment earlier
    monkeypatch.setattr(eligibility, "join_option_for", lambda *args: seen_while_free)
    client.force_login(second)

    response = _join(client, network)

    assert response.status_code == 200
    assert _page_messages(response) == [
        f"Cherwell Primary's seat in {network.label} was taken a moment ago by Fran First: "
        "a school holds one seat, so you have not joined."
    ]
    assert Membership.objects.live().get(network=network).person == first
    assert not Membership.objects.filter(person=second).exists()
