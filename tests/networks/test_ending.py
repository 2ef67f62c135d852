"""How a membership ends (docs/rules.md, "How a membership ends"): one service,
`end_membership`, that leaving, lapsing, declining, a seat passing on, an administrator's
removal and closing an account all call. However it ends, the person leaves the
network's workhubs, so its workhub meetings leave their schedule, and it is audited."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from meetings import services as meeting_services
from members.models import Post
from networks import services
from networks.models import Membership, Network, WorkhubMembership
from portal import services as portal_services
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
LONG_AGO = TODAY - datetime.timedelta(days=2000)
WORKHUB = "Attendance Workhub"
MEETING = "Attendance Workhub planning day"


def _workhub_place(network, person):
    """The person in one of the network's workhubs, with a members-only meeting of it."""
    workhub = factories.make_workhub(network=network, name=WORKHUB)
    services.join_workhub(person=person, workhub=workhub)
    factories.make_meeting(network=network, workhub=workhub, title=MEETING)
    return workhub


def _me(client, person) -> str:
    client.force_login(person)
    return client.get(reverse("me")).content.decode()


def _feed(client, person) -> str:
    feed = meeting_services.calendar_feed_for(person)
    return client.get(feed.get_absolute_url()).content.decode()


def test_a_member_who_lapses_leaves_the_networks_workhubs_and_their_meetings(client):
    network = factories.make_network(
        sectors=["secondary"], join_policy=Network.JoinPolicy.AUTOMATIC
    )
    person = factories.make_user()
    post = factories.make_post(
        person=person, school=factories.make_school(sector="secondary"), started_on=LONG_AGO
    )
    services.sync_automatic_memberships(person=person)
    _workhub_place(network, person)
    assert MEETING in _me(client, person)  # the workhub's meeting is in their schedule
    assert MEETING in _feed(client, person)

    Post.objects.filter(pk=post.pk).update(ended_on=YESTERDAY)
    call_command("reconcile_memberships", stdout=StringIO())

    membership = Membership.objects.get(person=person, network=network)
    assert membership.status == Membership.Status.LAPSED
    assert not WorkhubMembership.objects.filter(person=person).exists()
    page = _me(client, person)
    assert WORKHUB not in page  # not among "Your workhubs"
    assert MEETING not in page
    assert MEETING not in _feed(client, person)
    assert AuditEvent.objects.filter(action="membership.lapsed", object_id=membership.pk).exists()


def test_a_head_whose_seat_passes_on_leaves_the_networks_workhubs(client):
    network = factories.make_network(name="OASHP", basis=Network.Basis.SCHOOL)
    school = factories.make_school()
    old_head = factories.make_user()
    old_post = factories.make_post(person=old_head, school=school, started_on=LONG_AGO)
    services.join_network(person=old_head, network=network)
    _workhub_place(network, old_head)
    factories.make_post(person=factories.make_user(), school=school, role=Post.Role.HEAD_OF_SCHOOL)

    portal_services.end_post(post=old_post, ended_on=YESTERDAY)

    seat = Membership.objects.get(person=old_head, network=network)
    assert seat.status == Membership.Status.LAPSED
    assert not WorkhubMembership.objects.filter(person=old_head).exists()
    page = _me(client, old_head)
    assert WORKHUB not in page
    assert MEETING not in page


def test_a_member_who_leaves_leaves_the_networks_workhubs_and_keeps_others(client, member):
    network = Membership.objects.get(person=member).network
    _workhub_place(network, member)
    elsewhere = factories.make_network()
    services.join_network(person=member, network=elsewhere)
    kept = factories.make_workhub(network=elsewhere, name="Kept Workhub")
    services.join_workhub(person=member, workhub=kept)

    services.leave_network(person=member, network=network)

    assert [place.workhub for place in WorkhubMembership.objects.filter(person=member)] == [kept]
    page = _me(client, member)
    assert WORKHUB not in page
    assert "Kept Workhub" in page


def test_ending_a_membership_twice_is_refused(member, administrator):
    membership = Membership.objects.get(person=member)
    services.end_membership(
        membership=membership, status=Membership.Status.REMOVED, by=administrator
    )

    with pytest.raises(ValidationError):
        services.end_membership(
            membership=membership, status=Membership.Status.REMOVED, by=administrator
        )


def test_a_membership_cannot_end_as_active(member, administrator):
    membership = Membership.objects.get(person=member)

    with pytest.raises(ValueError):
        services.end_membership(
            membership=membership, status=Membership.Status.ACTIVE, by=administrator
        )


def test_an_administrator_removed_from_their_network_loses_the_admin_site(network, staff):
    person = factories.make_head()
    services.join_network(person=person, network=network)
    membership = Membership.objects.get(person=person)
    services.set_role(membership=membership, role=Membership.Role.ADMINISTRATOR, by=staff)
    person.refresh_from_db()
    assert person.is_staff

    services.end_membership(
        membership=membership, status=Membership.Status.REMOVED, by=staff, reason="Retired"
    )

    person.refresh_from_db()
    assert not person.is_staff
    event = AuditEvent.objects.get(action="membership.removed", object_id=membership.pk)
    assert event.actor == staff
    assert event.changes["Reason"] == ["", "Retired"]


def test_a_declined_request_is_recorded_with_its_reason_and_the_person_told(network, administrator):
    person = factories.make_head()
    request = factories.make_membership(
        person=person, network=network, status=Membership.Status.PENDING
    )

    services.decline_membership(membership=request, by=administrator, reason="Full this year")

    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decline_reason) == (
        Membership.Status.DECLINED,
        administrator,
        "Full this year",
    )
    event = AuditEvent.objects.get(action="membership.declined", object_id=request.pk)
    assert event.changes["Reason"] == ["", "Full this year"]


def test_someone_removed_from_an_automatic_network_is_not_enrolled_again(staff):
    network = factories.make_network(
        sectors=["secondary"], join_policy=Network.JoinPolicy.AUTOMATIC
    )
    person = factories.make_head(school=factories.make_school(sector="secondary"))
    [membership] = services.sync_automatic_memberships(person=person)

    services.end_membership(membership=membership, status=Membership.Status.REMOVED, by=staff)
    call_command("reconcile_memberships", stdout=StringIO())

    assert not Membership.objects.live().filter(person=person, network=network).exists()


def test_closing_an_account_ends_each_membership_in_the_networks_history(member, network):
    membership = Membership.objects.get(person=member)
    _workhub_place(network, member)

    portal_services.close_account(person=member)

    event = AuditEvent.objects.get(action="membership.left", object_id=membership.pk)
    assert event.summary == "Left: closed their account"
    assert event.subject is None  # the history keeps the ending, not the name
    assert not WorkhubMembership.objects.exists()


def test_a_seat_keeps_no_holder_after_its_head_closes_their_account():
    school = factories.make_school()
    head = factories.make_head(school=school)
    network = factories.make_network(basis=Network.Basis.SCHOOL)
    seat = services.join_network(person=head, network=network)
    assert seat.holder == head

    portal_services.close_account(person=head)

    seat.refresh_from_db()
    assert (seat.status, seat.person, seat.school) == (Membership.Status.LAPSED, None, school)
    with pytest.raises(ValueError, match="closed their account"):
        seat.holder  # noqa: B018 (the property refuses to answer)
