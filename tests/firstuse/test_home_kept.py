"""The signed-in home page keeps what it can: the next meetings a person may come to
(for everyone who sees the same) and the networks they could join (for them, for the
day). Every write either shows changes the page at once; nobody sees what they may
not, whoever's copy was kept first."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from networks.models import Invitation, Network
from tests import factories

pytestmark = pytest.mark.django_db


def _home(client) -> str:
    return client.get(reverse("home")).content.decode()


def _more_meetings(client) -> str:
    """ "More meetings you can come to": the meetings and the networks that also meet."""
    return _home(client).split('id="meetings-heading"')[1].split("All upcoming meetings")[0]


def _suggested(client) -> str:
    return _home(client).split('id="suggested-heading"')[1].split("Find a network")[0]


def _soon(days: int = 3) -> datetime.datetime:
    return timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)


@pytest.fixture
def elsewhere(other_network):
    """Someone else's network, with a public meeting and a members' one."""
    factories.make_meeting(
        network=other_network, title="Open forum", audience="public", starts_at=_soon(2)
    )
    factories.make_meeting(
        network=other_network, title="Members budget", audience="members", starts_at=_soon(3)
    )
    return other_network


@pytest.fixture
def more(client, member, elsewhere):
    client.force_login(member)
    return lambda: _more_meetings(client)


def test_a_meeting_published_added_moved_or_cancelled_elsewhere_shows_at_once(more, elsewhere):
    assert "Open forum" in more()
    draft = factories.make_meeting(
        network=elsewhere, title="Spring conference", audience="public", starts_at=_soon(1),
        state=Meeting.State.DRAFT,
    )  # fmt: skip
    assert "Spring conference" not in more()

    services.publish_meeting(meeting=draft)
    assert "Spring conference" in more()

    factories.make_meeting(
        network=elsewhere, title="Added briefing", audience="public", starts_at=_soon(1)
    )
    assert "Added briefing" in more()

    moved = _soon(1) + datetime.timedelta(hours=5)
    services.update_meeting(
        meeting=draft, changes={"starts_at": moved, "ends_at": moved + datetime.timedelta(hours=1)}
    )
    assert f'datetime="{moved.astimezone(datetime.UTC).isoformat()}"' in more()

    services.cancel_meeting(meeting=draft, reason="Snow", notify=False)
    assert "Spring conference" not in more()


def test_registrations_show_at_once_mine_moving_it_to_my_own(more, elsewhere, member):
    meeting = Meeting.objects.get(title="Open forum")
    meeting.capacity = 10
    meeting.save()
    assert "10 places left" in more()

    services.register(meeting=meeting, person=factories.make_head(), confirm=False)
    assert "9 places left" in more()

    services.register(meeting=meeting, person=member, confirm=False)
    assert "Open forum" not in more()  # now among my own next meetings


def test_a_membership_started_shows_its_members_meeting_instead_of_that_it_meets(
    client, more, elsewhere, member
):
    assert "Members budget" not in more()
    assert "meets for its members" in more()

    factories.make_membership(person=member, network=elsewhere)

    assert "meets for its members" not in more()
    assert "Members budget" in _home(client)


def test_a_non_member_never_sees_the_members_meeting_a_member_had_kept(client, elsewhere, head):
    insider = factories.make_head(email="insider@school.example")
    factories.make_membership(person=insider, network=elsewhere)
    client.force_login(insider)
    assert "Members budget" in _home(client)

    client.force_login(head)
    more = _more_meetings(client)

    assert "Members budget" not in more and "meets for its members" in more


def test_a_network_renamed_shows_its_new_name_at_once(more, elsewhere):
    assert "SEHA" not in more()

    elsewhere.short_name = "SEHA"
    elsewhere.save()

    assert "SEHA" in more()


def test_a_meeting_that_has_ended_leaves_with_no_write(more, elsewhere):
    now = timezone.now().replace(microsecond=0)
    factories.make_meeting(
        network=elsewhere, title="Ending now", audience="public",
        starts_at=now - datetime.timedelta(minutes=88),
    )  # fmt: skip
    assert "Ending now" in more()

    # Sooner than anything kept would go of itself (PAGE_SECONDS).
    with time_machine.travel(now + datetime.timedelta(minutes=3)):
        assert "Ending now" not in more() and "Open forum" in more()


def test_suggestions_follow_new_networks_memberships_and_posts_at_once(client, network, head):
    client.force_login(head)
    assert network.get_absolute_url() in _suggested(client)

    added = factories.make_network(name="Oxfordshire Briefings")
    assert added.get_absolute_url() in _suggested(client)

    factories.make_membership(person=head, network=network)
    assert network.get_absolute_url() not in _suggested(client)

    oldham = factories.make_la(code="353", name="Oldham")
    faraway = factories.make_network(name="Oldham Primary Heads", areas=[oldham])
    assert faraway.get_absolute_url() not in _suggested(client)
    factories.make_post(person=head, school=factories.make_school(la=oldham), verified=True)
    assert faraway.get_absolute_url() in _suggested(client)


def test_suggestions_are_the_persons_own(client, network, head):
    oldham = factories.make_la(code="353", name="Oldham")
    faraway = factories.make_network(name="Oldham Primary Heads", areas=[oldham])
    there = factories.make_head(
        email="oldham@school.example", school=factories.make_school(la=oldham)
    )
    client.force_login(there)
    assert faraway.get_absolute_url() in _suggested(client)

    client.force_login(head)
    assert faraway.get_absolute_url() not in _suggested(client)


def test_a_post_that_ends_today_no_longer_counts_tomorrow(client, network):
    late = datetime.datetime(2026, 3, 10, 23, 59, 58, tzinfo=datetime.UTC)  # London = UTC then
    with time_machine.travel(late, tick=False):
        person = factories.make_user(email="leaving@school.example")
        factories.make_post(person=person, ended_on=late.date(), verified=True)
        client.force_login(person)
        assert network.get_absolute_url() in _suggested(client)
    with time_machine.travel(late + datetime.timedelta(seconds=4), tick=False):
        assert network.get_absolute_url() not in _suggested(client)


def _my_networks(client) -> str:
    return _home(client).split('id="my-networks-heading"')[1].split('id="suggested-heading"')[0]


def test_my_networks_follow_joining_leaving_and_renaming_at_once(client, network, member):
    client.force_login(member)
    assert network.name in _my_networks(client)
    other = factories.make_network(name="Oldham Primary Heads")
    membership = factories.make_membership(person=member, network=other)
    assert "Oldham Primary Heads" in _my_networks(client)

    other.name = "Oldham and Rochdale Heads"
    other.save()
    assert "Oldham and Rochdale Heads" in _my_networks(client)

    membership.status = membership.Status.LEFT
    membership.save()
    assert "Oldham and Rochdale Heads" not in _my_networks(client)


def test_an_invitation_shows_at_once_to_its_address_only(client, member, head):
    client.force_login(member)
    _home(client)  # kept for the member, with no invitation
    roundtable = factories.make_network(
        name="Headteachers' Roundtable", join_policy=Network.JoinPolicy.INVITATION
    )
    invitation = Invitation.objects.create(network=roundtable, email=member.email.upper())

    assert "Invitations waiting for you" in _home(client)
    client.force_login(head)
    assert "Invitations waiting for you" not in _home(client)

    client.force_login(member)
    invitation.delete()
    assert "Invitations waiting for you" not in _home(client)


def test_a_second_visit_asks_the_database_only_who_is_signed_in(
    client, member, elsewhere, django_assert_num_queries
):
    client.force_login(member)
    first = _home(client)

    with django_assert_num_queries(1):  # the user; everything else is kept
        second = _home(client)

    # The same page but for the sign-out form's CSRF token, masked anew each time.
    assert _without_tokens(second) == _without_tokens(first)


def _without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
