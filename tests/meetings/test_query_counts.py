"""Schedules and feeds use a fixed number of queries however many meetings they show."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import calendars, schedule, services
from meetings.models import Meeting
from networks.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

# Pinned: a new query per row breaks the equality checks; a new fixed one is a choice.
LIST_MAX_QUERIES = 8  # session, viewer, memberships, count, page, choices (2), the filter's network
SCHEDULE_MAX_QUERIES = 9
# The person's own meetings, and their networks' next ones if not kept (however many).
MY_SCHEDULE_COLD_QUERIES = 2
FEED_MAX_QUERIES = 8
# The viewer, the meeting with its network, the viewer's memberships, then the people
# going with their posts (attendees, the CSV) or the papers and the viewer's place (detail).
MEETING_PAGE_MAX_QUERIES = {"detail": 7, "attendees": 5, "attendees_csv": 5, "ics": 6}


def _add(network, count, member=None):
    school = factories.make_school()
    for number in range(count):
        meeting = factories.make_meeting(
            network=network,
            title=f"Meeting {number}",
            starts_at=timezone.now() + datetime.timedelta(days=number + 1),
            audience=Meeting.Audience.PUBLIC if number % 2 else Meeting.Audience.MEMBERS,
            venue_school=school if number % 3 else None,
            capacity=10,
        )
        past = factories.make_meeting(
            network=network, starts_at=timezone.now() - datetime.timedelta(days=number + 2)
        )
        services.add_paper(
            meeting=past, by=None, kind="minutes",
            upload=SimpleUploadedFile("m.pdf", b"%PDF-1.4"),
        )  # fmt: skip
        factories.make_registration(meeting=meeting, person=factories.make_head())
        if member:
            factories.make_registration(meeting=meeting, person=member)


def _queries(client, url, **query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
        if response.streaming:  # a streamed CSV reads its rows as it is sent
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_schedules_and_feeds_do_not_grow_with_the_meetings_shown(
    client, network, member, who, django_assert_max_num_queries
):
    if who == "member":
        client.force_login(member)
    feed = services.calendar_feed_for(member)
    pages = [
        (reverse("meetings:list"), {}, LIST_MAX_QUERIES),
        (reverse("meetings:list"), {"network": network.slug, "kind": "network_meeting"},
         LIST_MAX_QUERIES),
        (reverse("meetings:list"), {"view": "month"}, LIST_MAX_QUERIES),
        (reverse("meetings:network_schedule", args=[network.slug]), {}, SCHEDULE_MAX_QUERIES),
        (reverse("meetings:network_feed", args=[network.slug]), {}, FEED_MAX_QUERIES),
        (reverse("meetings:personal_feed", args=[feed.token]), {}, FEED_MAX_QUERIES),
    ]  # fmt: skip
    if who == "member":
        pages.append((reverse("meetings:my_schedule"), {}, SCHEDULE_MAX_QUERIES))
    _add(network, 2, member)
    few = [_queries(client, url, **query) for url, query, _ in pages]

    _add(network, 25, member)

    many = []
    for url, query, limit in pages:
        with django_assert_max_num_queries(limit):
            many.append(_queries(client, url, **query))
    assert many == few


def test_my_schedule_function_uses_a_query_a_source_then_none_with_the_memberships_in_hand(
    network, member, django_assert_num_queries
):
    other = factories.make_network(name="Second Heads Network")
    factories.make_membership(person=member, network=other)
    memberships = list(Membership.objects.live().filter(person=member).select_related("network"))
    _add(network, 3, member)
    with django_assert_num_queries(MY_SCHEDULE_COLD_QUERIES):
        few = schedule.my_schedule(member, memberships=memberships)
    with django_assert_num_queries(0):  # kept
        assert schedule.my_schedule(member, memberships=memberships) == few
    _add(network, 20, member)
    _add(other, 5, member)
    with django_assert_num_queries(MY_SCHEDULE_COLD_QUERIES):
        many = schedule.my_schedule(member, memberships=memberships)
    with django_assert_num_queries(1):  # its memberships, with their networks
        assert schedule.my_schedule(member) == many
    # One branch per network, merged in time order.
    assert {meeting.network_id for meeting in many["meetings"]} == {network.pk, other.pk}
    starts = [meeting.starts_at for meeting in many["meetings"]]
    assert starts == sorted(starts)
    assert len(many["meetings"]) > len(few["meetings"])
    assert all(meeting.my_registration for meeting in many["meetings"])
    for meeting in many["meetings"]:
        assert meeting.going_count == 2  # someone else and the member


def test_next_public_meetings_is_one_query(network, django_assert_num_queries):
    _add(network, 6)
    with django_assert_num_queries(1):
        meetings = schedule.next_public_meetings(limit=3)
    assert len(meetings) == 3
    assert all(meeting.audience == Meeting.Audience.PUBLIC for meeting in meetings)


@pytest.mark.parametrize("page", ["detail", "attendees", "attendees_csv", "ics"])
def test_a_meeting_s_pages_do_not_grow_with_the_people_going_or_its_papers(
    client, network, coordinator, page, django_assert_max_num_queries
):
    meeting = factories.make_meeting(network=network, capacity=100)
    client.force_login(coordinator)
    url = reverse(f"meetings:{page}", args=[meeting.pk])

    def add(count):
        for _ in range(count):
            factories.make_registration(meeting=meeting, person=factories.make_head())
            services.add_paper(
                meeting=meeting, by=None, kind="minutes",
                upload=SimpleUploadedFile("m.pdf", b"%PDF-1.4"),
            )  # fmt: skip

    add(2)
    few = _queries(client, url)

    add(20)

    with django_assert_max_num_queries(MEETING_PAGE_MAX_QUERIES[page]):
        many = _queries(client, url)
    assert many == few


def _add_for_feeds(network, other_network, member, count):
    """Meetings of every shape an event is made from, and some the feeds leave out."""
    school = factories.make_school()
    for number in range(count):
        starts = timezone.now() + datetime.timedelta(days=number + 1)
        shapes = [
            {"format": "online", "online_url": "https://meet.example/a"},
            {"format": "hybrid", "online_url": "https://meet.example/b", "venue_school": school},
            {"venue_school": school},
            {"venue_address": "County Hall, Oxford"},
        ]
        for fields in shapes:
            factories.make_meeting(
                network=network, starts_at=starts, audience=Meeting.Audience.PUBLIC, **fields
            )
        cancelled = factories.make_meeting(network=network, starts_at=starts, audience="public")
        services.cancel_meeting(meeting=cancelled, reason="Snow", notify=False)
        elsewhere = factories.make_meeting(
            network=other_network, starts_at=starts, audience="signed_in", format="online",
            online_url="https://meet.example/c",
        )  # fmt: skip
        factories.make_registration(meeting=elsewhere, person=member)
        # Ended before the feeds' window.
        factories.make_meeting(
            network=network, audience="public",
            starts_at=timezone.now() - calendars.FEED_HISTORY - datetime.timedelta(days=number + 1),
        )  # fmt: skip


def test_feeds_do_not_grow_with_their_events(client, network, other_network, member):
    urls = [
        reverse("meetings:network_feed", args=[network.slug]),
        reverse("meetings:personal_feed", args=[services.calendar_feed_for(member).token]),
    ]
    _add_for_feeds(network, other_network, member, 1)
    few = [_queries(client, url) for url in urls]
    sizes = [client.get(url).content.count(b"BEGIN:VEVENT") for url in urls]

    _add_for_feeds(network, other_network, member, 6)

    assert [_queries(client, url) for url in urls] == few
    assert max(few) <= FEED_MAX_QUERIES
    assert [client.get(url).content.count(b"BEGIN:VEVENT") for url in urls] > sizes
