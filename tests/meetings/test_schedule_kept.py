"""A person's schedule is kept (meetings.schedule.my_schedule): each network's next
meetings for all its members, under the network's scope, and the person's whole list
under those and the scopes of their own meetings. My schedule and the signed-in home
page's "Your next meetings" show every write at once, and never what the person may
not see, however the kept copies were built."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from networks.models import Membership
from networks.services.memberships import end_membership
from networks.services.workhubs import join_workhub
from tests import factories

pytestmark = pytest.mark.django_db


def _mine(client, where: str) -> str:
    """The person's own meetings as the page shows them."""
    if where == "schedule":
        html = client.get(reverse("meetings:my_schedule")).content.decode()
        return html.split('id="schedule-heading"')[1].split("Your calendar feed")[0]
    html = client.get(reverse("home")).content.decode()
    return html.split('id="my-meetings-heading"')[1].split('id="my-networks-heading"')[0]


@pytest.fixture(params=["schedule", "home"])
def where(request):
    return request.param


@pytest.fixture
def seen(client, member, where):
    client.force_login(member)
    return lambda: _mine(client, where)


def _soon(days: int = 3, **fields) -> dict:
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    return {"starts_at": starts_at, **fields}


def test_a_meeting_published_in_my_network_shows_at_once(seen, network):
    factories.make_meeting(network=network, title="Spring term meeting", **_soon())
    assert "Spring term meeting" in seen()
    draft = factories.make_meeting(
        network=network, title="Summer term meeting", state=Meeting.State.DRAFT, **_soon(2)
    )
    assert "Summer term meeting" not in seen()

    services.publish_meeting(meeting=draft)

    assert "Summer term meeting" in seen()


def test_a_meeting_added_to_my_network_shows_at_once(seen, network):
    factories.make_meeting(network=network, title="Spring term meeting", **_soon())
    assert "Autumn briefing" not in seen()

    factories.make_meeting(network=network, title="Autumn briefing", **_soon(2))

    assert "Autumn briefing" in seen()


def test_a_meeting_moved_shows_its_new_time_at_once(seen, network):
    meeting = factories.make_meeting(network=network, **_soon())
    moved = meeting.starts_at + datetime.timedelta(days=1, hours=2)
    assert moved.isoformat() not in seen()

    services.update_meeting(
        meeting=meeting,
        changes={"starts_at": moved, "ends_at": moved + datetime.timedelta(hours=1)},
    )

    assert f'datetime="{moved.astimezone(datetime.UTC).isoformat()}"' in seen()


def test_a_meeting_cancelled_shows_as_cancelled_at_once(seen, network):
    meeting = factories.make_meeting(network=network, title="Spring term meeting", **_soon())
    assert "Cancelled" not in seen()

    services.cancel_meeting(meeting=meeting, reason="Snow", notify=False)

    assert "Spring term meeting" in seen() and "Cancelled" in seen()


def test_my_registration_made_and_cancelled_shows_at_once(seen, network, member):
    meeting = factories.make_meeting(network=network, capacity=10, **_soon())
    assert "10 places left" in seen() and "You are going" not in seen()

    services.register(meeting=meeting, person=member, confirm=False)
    assert "9 places left" in seen() and "You are going" in seen()

    services.cancel_registration(meeting=meeting, person=member)
    assert "10 places left" in seen() and "You are going" not in seen()


def test_another_persons_registration_changes_the_places_never_says_i_am_going(
    client, network, member, where
):
    meeting = factories.make_meeting(network=network, capacity=10, **_soon())
    other = factories.make_head(email="other@school.example")
    factories.make_membership(person=other, network=network)
    services.register(meeting=meeting, person=other, confirm=False)
    client.force_login(other)
    assert "You are going" in _mine(client, where)  # their copy, kept first

    client.force_login(member)
    mine = _mine(client, where)

    assert "9 places left" in mine and "You are going" not in mine


def test_a_membership_started_and_ended_shows_and_hides_its_members_meetings(
    client, network, head, where
):
    factories.make_meeting(
        network=network, title="Members budget", audience=Meeting.Audience.MEMBERS, **_soon()
    )
    client.force_login(head)
    assert "Members budget" not in _mine(client, where)

    membership = factories.make_membership(person=head, network=network)
    assert "Members budget" in _mine(client, where)

    end_membership(membership=membership, status=Membership.Status.LEFT, by=head)
    assert "Members budget" not in _mine(client, where)


def test_a_non_member_never_sees_a_members_meeting_a_member_had_kept(
    client, network, member, head, where
):
    factories.make_meeting(
        network=network, title="Members budget", audience=Meeting.Audience.MEMBERS, **_soon()
    )
    open_one = factories.make_meeting(
        network=network, title="Open forum", audience=Meeting.Audience.SIGNED_IN, **_soon(2)
    )
    factories.make_registration(meeting=open_one, person=head)
    client.force_login(member)
    assert "Members budget" in _mine(client, where)

    client.force_login(head)
    mine = _mine(client, where)

    assert "Open forum" in mine and "Members budget" not in mine


def test_a_draft_never_shows_even_to_its_networks_coordinator(client, network, where):
    factories.make_meeting(network=network, title="Published one", **_soon())
    factories.make_meeting(
        network=network, title="Draft one", state=Meeting.State.DRAFT, **_soon(2)
    )
    coordinator = factories.make_head(email="coordinator@school.example")
    factories.make_membership(person=coordinator, network=network, role=Membership.Role.COORDINATOR)
    client.force_login(coordinator)

    for _ in range(2):  # built, then kept
        mine = _mine(client, where)
        assert "Published one" in mine and "Draft one" not in mine


def test_a_workhub_place_brings_its_meetings_at_once(seen, network, member):
    workhub = factories.make_workhub(network=network, name="SEND")
    factories.make_meeting(network=network, workhub=workhub, title="SEND session", **_soon())
    assert "SEND session" not in seen()

    join_workhub(person=member, workhub=workhub)

    assert "SEND session" in seen()


def test_a_network_renamed_shows_its_new_name_at_once(seen, network):
    factories.make_meeting(network=network, **_soon())
    assert "OXPH" not in seen()

    network.short_name = "OXPH"
    network.save()

    assert "OXPH" in seen()


def test_a_meeting_that_has_ended_leaves_with_no_write(seen, network):
    now = timezone.now().replace(microsecond=0)
    factories.make_meeting(
        network=network, title="Ending now", starts_at=now - datetime.timedelta(minutes=88)
    )
    factories.make_meeting(network=network, title="Next week", **_soon(7))
    assert "Ending now" in seen()

    # Sooner than anything kept would go of itself (PAGE_SECONDS).
    with time_machine.travel(now + datetime.timedelta(minutes=3)):
        mine = seen()

    assert "Ending now" not in mine and "Next week" in mine


def test_a_kept_schedule_reads_the_live_membership_and_the_own_feed_on_every_visit(
    client, network, member, django_assert_num_queries
):
    """My schedule kept: three queries (the session's person, their feed, their live
    memberships, which name what the list shows), and the feed address and the form's
    CSRF token are the visitor's own, never the one who had the list built first."""
    factories.make_meeting(network=network, title="Spring term meeting", **_soon())
    other = factories.make_head(email="other@school.example")
    factories.make_membership(person=other, network=network)
    client.force_login(other)
    theirs = client.get(reverse("meetings:my_schedule")).content.decode()
    their_feed = services.calendar_feed_for(other).token
    assert their_feed in theirs

    client.force_login(member)
    client.get(reverse("meetings:my_schedule"))
    with django_assert_num_queries(3) as captured:
        mine = client.get(reverse("meetings:my_schedule")).content.decode()

    assert any("networks_membership" in query["sql"] for query in captured.captured_queries)
    assert "Spring term meeting" in mine
    assert services.calendar_feed_for(member).token in mine and their_feed not in mine
    token = mine.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert token not in theirs
