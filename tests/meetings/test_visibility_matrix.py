"""Who sees a meeting, on every surface that shows one (docs/rules.md section 6).

Persona × audience × state × surface, asserting whether the meeting's title is on
what each persona gets, not only the status code. Every signed-in persona holds a
place at the meeting, and the lapsed member keeps a workhub place too: a place and a
workhub add no right of their own, so they must not show anybody more.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import access, schedule, services
from meetings.models import LONDON, Meeting
from networks import access as network_access
from networks.models import Membership, WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db

TITLE = "Zebra crossing review"
AUDIENCES = ("public", "signed_in", "members")
STATES = ("draft", "published", "cancelled")
PERSONAS = (
    "visitor",
    "head",  # signed in, a member of nothing
    "member",
    "lapsed",  # lapsed member, still in a workhub of the network and registered
    "coordinator",
    "outsider_coordinator",  # coordinates another network
    "staff",
)
EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {"visitor"}
RUNNERS = frozenset({"coordinator", "staff"})
MEMBERS = frozenset({"member", "coordinator", "staff"})

# docs/rules.md section 6, the table: who may see a meeting of the network.
MAY_SEE = {
    ("public", "draft"): RUNNERS,
    ("public", "published"): EVERYONE,
    ("public", "cancelled"): EVERYONE,
    ("signed_in", "draft"): RUNNERS,
    ("signed_in", "published"): SIGNED_IN,
    ("signed_in", "cancelled"): SIGNED_IN,
    ("members", "draft"): RUNNERS,
    ("members", "published"): MEMBERS,
    ("members", "cancelled"): MEMBERS,
}

# The same for a meeting of the other network, whose only coordinator and member among
# the personas is its coordinator (and site staff see everything).
MAY_SEE_ELSEWHERE = {
    key: seen if seen in (EVERYONE, SIGNED_IN) else frozenset({"outsider_coordinator", "staff"})
    for key, seen in MAY_SEE.items()
}

# The meeting's own pages and the network's pages show coordinators their drafts.
RUNNERS_SEE_DRAFTS = ("detail", "meeting_ics", "network_page", "network_schedule")
# Lists and feeds across networks, and the network's feed: published or cancelled only.
LISTED_ONLY = ("list", "month", "network_feed")
# A person's own schedule, feed and email: their meetings, and only those they may see.
PERSONAL = ("personal_feed", "my_schedule", "me", "emails")
SURFACES = RUNNERS_SEE_DRAFTS + LISTED_ONLY + PERSONAL


def expected(surface: str, audience: str, state: str) -> frozenset[str]:
    """Who finds the title on the surface."""
    seen = MAY_SEE[audience, state]
    if surface in RUNNERS_SEE_DRAFTS:
        return seen
    if state == "draft":
        return frozenset()
    return seen - {"visitor"} if surface in PERSONAL else seen


def _tomorrow_at_ten() -> datetime.datetime:
    tomorrow = timezone.now().astimezone(LONDON).date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(tomorrow, datetime.time(10), tzinfo=LONDON)


@pytest.fixture
def people(network, head, member, coordinator, outsider_coordinator, staff):
    lapsed = factories.make_head(email="lapsed@school.example")
    factories.make_membership(person=lapsed, network=network, status=Membership.Status.LAPSED)
    return {
        "visitor": None,
        "head": head,
        "member": member,
        "lapsed": lapsed,
        "coordinator": coordinator,
        "outsider_coordinator": outsider_coordinator,
        "staff": staff,
    }


def _scene(network, people, audience, state):
    """One meeting of the network in the given audience and state, reached the way a
    coordinator reaches it (create, publish, change, remind, cancel), its emails kept."""
    workhub = factories.make_workhub(network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=people["lapsed"])
    starts = _tomorrow_at_ten()
    meeting = services.create_meeting(
        network=network, by=people["coordinator"], title=TITLE, workhub=workhub,
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=1),
        venue_address="County Hall, Oxford", audience=audience,
    )  # fmt: skip
    for person in people.values():
        if person is not None:  # leftover places: registered while they could see it
            factories.make_registration(meeting=meeting, person=person)
    mail.outbox.clear()
    if state != "draft":
        services.publish_meeting(meeting=meeting)
        services.update_meeting(meeting=meeting, changes={"venue_address": "Town Hall, Oxford"})
        services.send_reminders(now=timezone.now())
    if state == "cancelled":
        services.cancel_meeting(meeting=meeting, reason="Snow")
    meeting.refresh_from_db()
    assert meeting.state == state
    return meeting


def _client(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    return response.content.decode() if response.status_code == 200 else ""


def _surface(surface: str, person, client: Client, meeting: Meeting, emails: dict) -> str:
    """What the person gets on the surface (empty where they get nothing)."""
    slug = meeting.network.slug
    if surface == "emails":
        return "" if person is None else emails.get(person.email, "")
    if surface == "personal_feed":
        if person is None:
            return ""
        token = services.calendar_feed_for(person).token
        return _page(Client(), reverse("meetings:personal_feed", args=[token]))  # no session
    urls = {
        "detail": reverse("meetings:detail", args=[meeting.pk]),
        "meeting_ics": reverse("meetings:ics", args=[meeting.pk]),
        "network_page": reverse("networks:detail", args=[slug]),
        "network_schedule": reverse("meetings:network_schedule", args=[slug]),
        "list": reverse("meetings:list"),
        "month": reverse("meetings:list") + f"?view=month&month={meeting.local_start:%Y-%m}",
        "network_feed": reverse("meetings:network_feed", args=[slug]),
        "my_schedule": reverse("meetings:my_schedule"),
        "me": reverse("me"),
    }
    return _page(client, urls[surface])


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_each_persona_finds_the_meeting_exactly_where_the_rule_lets_them(
    network, people, audience, state
):
    meeting = _scene(network, people, audience, state)
    emails: dict[str, str] = {}
    for message in mail.outbox:
        emails[message.to[0]] = emails.get(message.to[0], "") + message.subject + message.body

    clients = {name: _client(person) for name, person in people.items()}
    found = {
        surface: {
            name
            for name, person in people.items()
            if TITLE in _surface(surface, person, clients[name], meeting, emails)
        }
        for surface in SURFACES
    }

    wrong = {
        surface: {
            "sees it but should not": sorted(found[surface] - expected(surface, audience, state)),
            "should see it but does not": sorted(
                expected(surface, audience, state) - found[surface]
            ),
        }
        for surface in SURFACES
        if found[surface] != expected(surface, audience, state)
    }
    assert not wrong, f"{audience} {state}: {wrong}"


# The list condition and the single check are one rule: they agree everywhere.


def _all_meetings(network, other_network):
    meetings = []
    for place in (network, other_network):
        workhub = factories.make_workhub(network=place)
        for audience in AUDIENCES:
            for state in STATES:
                meetings.append(
                    factories.make_meeting(
                        network=place,
                        workhub=workhub,
                        audience=audience,
                        state=state,
                        title=f"{place.slug} {audience} {state}",
                    )  # fmt: skip
                )
    return meetings


def test_the_list_condition_and_the_single_check_agree_for_every_persona_and_meeting(
    network, other_network, people
):
    meetings = _all_meetings(network, other_network)
    lapsed_hub = network.workhubs.get()
    WorkhubMembership.objects.create(workhub=lapsed_hub, person=people["lapsed"])
    for meeting in meetings:
        factories.make_registration(meeting=meeting, person=people["lapsed"])

    for name, person in people.items():
        user = person or AnonymousUser()
        whole = access.viewer_of(user)
        listed = set(
            Meeting.objects.filter(access.visible_meetings_q(whole)).values_list("pk", flat=True)
        )
        for meeting in meetings:
            in_network = access.viewer_in(network_access.for_network(user, meeting.network))
            table = MAY_SEE if meeting.network_id == network.pk else MAY_SEE_ELSEWHERE
            rule = table[meeting.audience, meeting.state]
            answers = (
                meeting.pk in listed,
                access.may_see(whole, meeting),
                access.may_see(in_network, meeting),
            )
            assert answers == (name in rule,) * 3, (name, meeting.title, answers)


# The lapsed member, on the functions other pages call (the /me/ page and home).


def test_a_lapsed_member_keeps_no_members_meeting_through_a_workhub_or_a_place(network, people):
    meeting = _scene(network, people, "members", "published")
    open_one = factories.make_meeting(network=network, title="Open forum", audience="signed_in")
    factories.make_registration(meeting=open_one, person=people["lapsed"])

    mine = schedule.my_schedule(people["lapsed"])["meetings"]
    assert [m.title for m in mine] == ["Open forum"]
    assert meeting not in schedule.personal_meetings(people["lapsed"])
    assert [m.to for m in mail.outbox if TITLE in m.subject + m.body if "lapsed" in m.to[0]] == []


def test_the_network_page_never_shows_a_members_meeting_title_to_a_non_member(
    client, network, head
):
    """Issue 20's mutation: the section ignoring the audience went unnoticed."""
    factories.make_meeting(network=network, title="Members only budget", audience="members")
    factories.make_meeting(network=network, title="Open surgery", audience="signed_in")
    client.force_login(head)
    page = client.get(reverse("networks:detail", args=[network.slug])).content.decode()
    assert "Open surgery" in page
    assert "Members only budget" not in page


def test_a_freed_place_goes_to_the_next_person_who_may_see_the_meeting(network, people):
    meeting = factories.make_meeting(network=network, audience="members", capacity=1)
    factories.make_registration(meeting=meeting, person=people["member"])
    factories.make_registration(meeting=meeting, person=people["lapsed"], status="waiting")
    factories.make_registration(meeting=meeting, person=people["coordinator"], status="waiting")

    services.cancel_registration(meeting=meeting, person=people["member"])

    going = meeting.registrations.filter(status="going").values_list("person__email", flat=True)
    assert list(going) == [people["coordinator"].email]
    assert [m.to for m in mail.outbox] == [[people["coordinator"].email]]
