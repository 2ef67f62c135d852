"""A page never says "No meetings are planned yet" when the network meets for people who
may not see its meetings: it says that it meets and when, and nothing else about them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from meetings import services
from meetings.models import LONDON, Meeting
from networks.services import joining
from tests import factories

pytestmark = pytest.mark.django_db

TITLE = "Budget secrets of the members"
VENUE = "The Hidden Room, Oxford"


@pytest.fixture
def ophn(network):
    network.short_name = "OPHN"
    network.meeting_rhythm = "Six times a year."
    network.save()
    return network


@pytest.fixture
def members_meeting(ophn):
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=9)
    return factories.make_meeting(network=ophn, title=TITLE, starts_at=starts, venue_address=VENUE)


def _sentence(meeting: Meeting, whom: str = "its members") -> str:
    day = meeting.starts_at.astimezone(LONDON)
    shown = "l j F" if day.year == timezone.now().astimezone(LONDON).year else "l j F Y"
    return f"OPHN meets six times a year for {whom}; next on {dateformat.format(day, shown)}."


def _pages(ophn):
    return {
        "home": reverse("home"),
        "network": reverse("networks:detail", args=[ophn.slug]),
        "schedule": reverse("meetings:network_schedule", args=[ophn.slug]),
    }


@pytest.mark.parametrize("page", ["home", "network", "schedule"])
def test_a_visitor_learns_the_network_meets_and_when_but_not_what_or_where(
    client, ophn, members_meeting, page
):
    html = client.get(_pages(ophn)[page]).content.decode()
    assert _sentence(members_meeting) in html
    assert "No meetings are planned yet" not in html
    assert TITLE not in html and VENUE not in html
    assert members_meeting.get_absolute_url() not in html


@pytest.mark.parametrize("page", ["home", "network", "schedule"])
def test_a_signed_in_non_member_learns_it_too(client, ophn, members_meeting, head, page):
    client.force_login(head)
    html = client.get(_pages(ophn)[page]).content.decode()
    assert _sentence(members_meeting) in html
    assert TITLE not in html


@pytest.mark.parametrize("page", ["network", "schedule"])
def test_a_member_sees_the_meeting_itself_and_no_sentence(
    client, ophn, members_meeting, member, page
):
    client.force_login(member)
    html = client.get(_pages(ophn)[page]).content.decode()
    assert TITLE in html
    assert "OPHN meets" not in html


def test_a_meeting_for_signed_in_people_is_named_as_such_to_a_visitor(client, ophn):
    meeting = factories.make_meeting(network=ophn, title=TITLE, audience="signed_in")
    html = client.get(reverse("networks:detail", args=[ophn.slug])).content.decode()
    assert _sentence(meeting, "people signed in to Headnet") in html
    assert "Sign in to see it" in html and TITLE not in html


def test_a_draft_or_cancelled_meeting_says_nothing(client, ophn):
    factories.make_meeting(network=ophn, title=TITLE, state="draft")
    factories.make_meeting(network=ophn, title=TITLE, state="cancelled")
    html = client.get(reverse("networks:detail", args=[ophn.slug])).content.decode()
    assert "No meetings are planned yet" in html and "OPHN meets" not in html


def test_the_network_page_lists_what_they_may_see_and_says_the_rest_meets(
    client, ophn, members_meeting
):
    public = factories.make_meeting(
        network=ophn, title="Open evening", audience="public",
        starts_at=members_meeting.starts_at + datetime.timedelta(days=3),
    )  # fmt: skip
    html = client.get(reverse("networks:detail", args=[ophn.slug])).content.decode()
    assert public.title in html and _sentence(members_meeting) in html and TITLE not in html


def test_the_signed_in_home_leads_with_my_meetings_and_lists_what_i_may_see(
    client, ophn, member, other_network
):
    mine = factories.make_meeting(network=ophn, title="Meeting of my network")
    for number in range(3):
        factories.make_meeting(
            network=other_network, title=f"Open to heads {number}", audience="signed_in",
            starts_at=timezone.now() + datetime.timedelta(days=number + 2),
        )  # fmt: skip
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    assert html.index("Your next meetings") < html.index("Your networks")
    assert html.index(mine.title) < html.index("Your networks")
    assert "More meetings you can come to" in html and "Open to heads 0" in html
    assert html.count(mine.title) == 1  # not again in the list below
    assert "No meetings are planned yet" not in html


# The signed-in home keeps, for everyone, which network's next meeting someone signed in
# may not see, and takes each person's own networks out of it.


def _home(client, person) -> str:
    client.force_login(person)
    return client.get(reverse("home")).content.decode()


def test_the_kept_list_on_the_home_page_shows_a_member_no_sentence_and_others_one(
    client, ophn, members_meeting, member, head, outsider_member
):
    assert TITLE in _home(client, member)  # the list is kept while a member looks
    for person in (head, outsider_member):  # not a member: told it meets, not what
        html = _home(client, person)
        assert _sentence(members_meeting) in html and TITLE not in html
        assert members_meeting.get_absolute_url() not in html
    html = _home(client, member)  # kept while others looked: the member still sees it
    assert TITLE in html and _sentence(members_meeting) not in html


def test_the_home_page_tells_of_a_meeting_published_or_cancelled_right_after(
    client, ophn, head, member
):
    draft = factories.make_meeting(network=ophn, title=TITLE, state="draft")
    assert "OPHN meets" not in _home(client, head)
    services.publish_meeting(meeting=draft)
    html = _home(client, head)
    assert _sentence(draft) in html and TITLE not in html
    assert _sentence(draft) not in _home(client, member)
    services.cancel_meeting(meeting=draft, reason="Snow", notify=False)
    assert "OPHN meets" not in _home(client, head)


def test_the_home_page_follows_a_meeting_opened_to_everyone_or_moved(
    client, ophn, members_meeting, head
):
    assert _sentence(members_meeting) in _home(client, head)
    later = members_meeting.starts_at + datetime.timedelta(days=5)
    services.update_meeting(
        meeting=members_meeting,
        changes={"starts_at": later, "ends_at": later + datetime.timedelta(hours=1)},
    )
    members_meeting.refresh_from_db()
    assert _sentence(members_meeting) in _home(client, head)
    services.update_meeting(meeting=members_meeting, changes={"audience": "signed_in"})
    html = _home(client, head)
    assert "OPHN meets" not in html and TITLE in html


def test_the_home_page_follows_joining_and_leaving(client, ophn, members_meeting, head):
    assert _sentence(members_meeting) in _home(client, head)
    membership = factories.make_membership(person=head, network=ophn)
    html = _home(client, head)
    assert TITLE in html and "OPHN meets" not in html
    joining.leave_network(person=head, network=membership.network)
    html = _home(client, head)
    assert _sentence(members_meeting) in html and TITLE not in html
