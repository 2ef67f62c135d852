"""The archive of a network's announcements, an announcement's own page, and the
network page's section: who reads what, in what order, at what cost."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from announcements import views
from announcements.models import Announcement, Delivery
from core.dates import academic_year_of
from networks.models import WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db

S = Announcement.State
START = timezone.now().replace(microsecond=0) - datetime.timedelta(days=400)


def _archive(network, **query):
    url = reverse("announcements:archive", args=[network.slug])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def _many(network, count, *, author=None, **fields):
    """`count` sent announcements a day apart, the oldest first, named by their number."""
    return [
        factories.make_sent_announcement(
            network=network,
            subject=f"Announcement {number:03}",
            sent_at=START + datetime.timedelta(days=number),
            author=author,
            **fields,
        )
        for number in range(count)
    ]


# Who reads what ------------------------------------------------------------------------


def test_members_read_the_sent_announcements_newest_first(client, network, member):
    _many(network, 3)
    factories.make_sent_announcement(network=network, subject="Still a draft", state="draft")
    factories.make_sent_announcement(network=network, subject="Goes tomorrow", state="scheduled")
    client.force_login(member)

    page = client.get(_archive(network)).content.decode()

    assert (
        page.index("Announcement 002")
        < page.index("Announcement 001")
        < (page.index("Announcement 000"))
    )
    assert "Still a draft" not in page and "Goes tomorrow" not in page
    assert "Write an announcement" not in page


def test_announcements_to_a_sub_group_workhub_or_meeting_are_on_every_member_s_archive(
    client, network, member
):
    subgroup = factories.make_network(name="City heads", parent=network)
    workhub = factories.make_workhub(network=network, name="SEND")
    meeting = factories.make_meeting(network=network, title="Summer meeting")
    factories.make_sent_announcement(network=network, subject="To the city", audience="subgroup",
                                subgroup=subgroup)  # fmt: skip
    factories.make_sent_announcement(network=network, subject="To SEND", audience="workhub",
                                workhub=workhub)  # fmt: skip
    factories.make_sent_announcement(network=network, subject="To the meeting", audience="meeting",
                                meeting=meeting)  # fmt: skip
    client.force_login(member)  # in none of them

    page = client.get(_archive(network)).content.decode()

    for text in (
        "To the city",
        "everyone in City heads",
        "To SEND",
        "the SEND workhub",
        "To the meeting",
        "the people going to or waiting for Summer meeting",
    ):
        assert text in page


def test_coordinators_see_the_drafts_and_scheduled_ones_above_the_sent(
    client, network, coordinator
):
    _many(network, 1)
    factories.make_sent_announcement(network=network, subject="Still a draft", state="draft")
    client.force_login(coordinator)
    page = client.get(_archive(network)).content.decode()
    assert (
        page.index("Drafts and scheduled")
        < page.index("Still a draft")
        < page.index("Announcement 000")
    )
    assert "Write an announcement" in page


@pytest.mark.parametrize("persona", ["head", "outsider_member", "outsider_coordinator"])
def test_people_outside_the_network_are_told_the_archive_is_for_members(
    client, request, network, persona
):
    _many(network, 2)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(_archive(network))
    assert response.status_code == 403
    page = response.content.decode()
    assert f"Only members of {network.name} can read its announcements." in page
    assert "Announcement 000" not in page


def test_a_pending_member_is_not_yet_a_reader(client, network):
    applicant = factories.make_head(email="applicant@school.example")
    factories.make_membership(person=applicant, network=network, status="pending")
    client.force_login(applicant)
    assert client.get(_archive(network)).status_code == 403


def test_a_visitor_is_asked_to_sign_in(client, network):
    response = client.get(_archive(network))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# Pages ---------------------------------------------------------------------------------


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)


def _subjects(response):
    """The sent announcements' subjects as the page lists them (the drafts' are above)."""
    sent = response.content.decode().split("<h2>Sent</h2>")[-1]
    return re.findall(r'class="h5 mb-1"><a href="[^"]+">([^<]+)</a>', sent)


def test_walking_to_older_pages_shows_every_announcement_once_newest_first(
    client, network, member, small_pages
):
    made = _many(network, 23)
    # Two sent at the same moment: the newer id comes first.
    same = made[10].sent_at
    twin = factories.make_sent_announcement(network=network, subject="Twin", sent_at=same)
    client.force_login(member)

    seen, response = [], client.get(_archive(network))
    while True:
        seen += _subjects(response)
        page = response.context["page"]
        if not page.has_next:
            break
        response = client.get(_archive(network, after=page.next_cursor))

    expected = [a.subject for a in sorted([*made, twin], key=lambda a: (a.sent_at, a.pk))][::-1]
    assert seen == expected
    assert seen.index("Twin") == seen.index("Announcement 010") - 1


def test_walking_back_from_the_oldest_page_shows_every_announcement_once(
    client, network, member, small_pages
):
    made = _many(network, 12)
    client.force_login(member)

    response = client.get(_archive(network, page="last"))
    # The oldest page is a full one: the five oldest.
    assert _subjects(response) == [f"Announcement {n:03}" for n in (4, 3, 2, 1, 0)]
    seen = []
    while True:
        seen = _subjects(response) + seen
        page = response.context["page"]
        if not page.has_previous:
            break
        response = client.get(_archive(network, before=page.previous_cursor))

    assert seen == [a.subject for a in reversed(made)]


def test_a_bad_cursor_gives_the_newest_page(client, network, member, small_pages):
    _many(network, 7)
    client.force_login(member)
    response = client.get(_archive(network, after="not-a-cursor"))
    assert _subjects(response)[0] == "Announcement 006"


def test_the_archive_costs_the_same_few_queries_for_three_announcements_or_sixty(
    client, network, member, coordinator
):
    """Each row's author, audience and its target ride on one query."""
    subgroup = factories.make_network(name="City heads", parent=network)
    workhub = factories.make_workhub(network=network)
    meeting = factories.make_meeting(network=network)
    targets = [{"audience": "subgroup", "subgroup": subgroup},
               {"audience": "workhub", "workhub": workhub},
               {"audience": "meeting", "meeting": meeting}, {}]  # fmt: skip
    writers = [factories.make_head(email=f"writer{n}@school.example") for n in range(4)]

    def make(count, offset):
        for number in range(count):
            factories.make_sent_announcement(
                network=network,
                subject=f"A {offset + number}",
                author=writers[number % 4],
                sent_at=START + datetime.timedelta(hours=offset + number),
                **targets[number % 4],
            )
            factories.make_sent_announcement(
                network=network,
                subject="draft",
                state="draft",
                author=writers[number % 4],
                **targets[number % 4],
            )

    counts = {}
    for label, count, offset in (("few", 3, 0), ("many", 57, 100)):
        make(count, offset)
        for person in (member, coordinator):
            client.force_login(person)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(_archive(network))
            assert response.status_code == 200
            counts[(label, person.email)] = len(captured)

    assert counts[("few", member.email)] == counts[("many", member.email)]
    assert counts[("few", coordinator.email)] == counts[("many", coordinator.email)]
    assert max(counts.values()) <= 6, counts


# An announcement's own page ---------------------------------------------------------------


def test_a_member_reads_an_announcement_at_its_own_address(client, network, member, coordinator):
    coordinator.first_name, coordinator.last_name = "Cora", "Ordinator"
    coordinator.save()
    announcement = factories.make_sent_announcement(
        network=network, subject="Budget news", body="Read **this**.", author=coordinator
    )
    client.force_login(member)

    page = client.get(announcement.get_absolute_url()).content.decode()

    assert "<h1>Budget news</h1>" in page
    assert "<strong>this</strong>" in page
    assert "Cora Ordinator" in page
    assert f"Everyone in {network.label}" in page
    assert f"{announcement.sent_at:%Y}" in page
    # Delivery counts are for the people who may send announcements.
    assert "Delivery" not in page


def test_its_writers_see_delivery_counts_and_never_who(client, network, coordinator, member):
    announcement = factories.make_sent_announcement(network=network)
    for person, status in ((member, "sent"), (coordinator, "bounced")):
        Delivery.objects.create(announcement=announcement, person=person, status=status)
    client.force_login(coordinator)

    response = client.get(announcement.get_absolute_url())

    page = response.content.decode()
    assert "Delivery" in page and "Bounced" in page
    assert response.context["counts"]["sent"] == 1
    assert response.context["counts"]["bounced"] == 1
    assert member.email not in page
    assert member.get_full_name() not in page


def test_the_page_of_a_former_author_s_announcement_still_reads(client, network, member):
    announcement = factories.make_sent_announcement(network=network, author=None)
    client.force_login(member)
    assert "a former member" in client.get(announcement.get_absolute_url()).content.decode()


def test_an_announcement_page_costs_the_same_for_a_member_and_is_cheap(
    client, network, member, django_assert_max_num_queries
):
    announcement = factories.make_sent_announcement(network=network)
    client.force_login(member)
    with django_assert_max_num_queries(5):
        client.get(announcement.get_absolute_url())


# The network's page ----------------------------------------------------------------------


def test_the_network_page_shows_members_the_three_latest_with_a_link_to_all(
    client, network, member
):
    _many(network, 5)
    client.force_login(member)

    page = client.get(network.get_absolute_url()).content.decode()

    assert "Announcement 004" in page and "Announcement 002" in page
    assert "Announcement 001" not in page
    assert _archive(network) in page


@pytest.mark.parametrize("persona", [None, "head", "outsider_member"])
def test_the_network_page_shows_no_announcement_to_anyone_else(client, request, network, persona):
    _many(network, 2)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    page = client.get(network.get_absolute_url()).content.decode()
    assert "Announcement 001" not in page
    assert _archive(network) not in page


def test_the_network_page_invites_its_coordinators_to_write_the_first(
    client, network, coordinator, member
):
    client.force_login(coordinator)
    page = client.get(network.get_absolute_url()).content.decode()
    assert "has sent no announcements yet" in page and "Write an announcement" in page

    client.force_login(member)
    page = client.get(network.get_absolute_url()).content.decode()
    assert "has sent no announcements yet" not in page


def _lead(person, network, **workhub):
    hub = factories.make_workhub(network=network, **workhub)
    WorkhubMembership.objects.create(workhub=hub, person=person, is_lead=True)
    return hub


def test_a_lead_of_a_workhub_of_this_year_writes_from_the_archive(client, network, member):
    hub = _lead(member, network)
    factories.make_sent_announcement(
        network=network, subject="Hub draft", state="draft", audience="workhub", workhub=hub
    )
    factories.make_sent_announcement(network=network, subject="Network draft", state="draft")
    client.force_login(member)
    page = client.get(_archive(network)).content.decode()
    assert "Write an announcement" in page and "Hub draft" in page
    assert "Network draft" not in page


@pytest.mark.parametrize("elsewhere", ["last year", "another network", "not a lead"])
def test_only_a_lead_of_this_year_s_workhub_of_the_network_writes_from_it(
    client, network, other_network, member, elsewhere
):
    if elsewhere == "last year":
        hub = _lead(member, network, academic_year=academic_year_of() - 1)
    elif elsewhere == "another network":
        factories.make_membership(person=member, network=other_network)
        hub = _lead(member, other_network)
    else:
        hub = factories.make_workhub(network=network)
        WorkhubMembership.objects.create(workhub=hub, person=member, is_lead=False)
    factories.make_sent_announcement(
        network=hub.network, subject="Hub draft", state="draft", audience="workhub", workhub=hub
    )
    client.force_login(member)
    page = client.get(_archive(network)).content.decode()
    assert "Write an announcement" not in page and "Hub draft" not in page
