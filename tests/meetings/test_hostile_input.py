"""Query strings and text that once gave a server error (issue 19, finding 12): dates at
the ends of the calendar, and a title with a line break in a calendar file. Each gives a
clear 400 or a normalised value, never a 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.models import LONDON, Meeting
from networks.models import Network
from tests import factories

pytestmark = pytest.mark.django_db

BAD_MONTHS = ["9999-12", "0001-01", "0000-01", "-5-01", "2026-13", "2026-0",
              "99999999999999999999-1", "1-1-1", "1899-12", "3000-01", "soon"]  # fmt: skip
BAD_DATES = ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01", "2026-02-30",
             "99999999999-01-01"]  # fmt: skip


@pytest.fixture
def client_as(client, member):
    """The client as a visitor (None) or as the member."""

    def sign_in(who):
        client.logout()
        if who == "member":
            client.force_login(member)
        return client

    return sign_in


@pytest.mark.parametrize("who", ["visitor", "member"])
@pytest.mark.parametrize("month", BAD_MONTHS)
def test_a_month_out_of_range_is_a_clear_400(client_as, network, who, month):
    factories.make_meeting(network=network, audience="public", title="Open forum")

    response = client_as(who).get(reverse("meetings:list"), {"view": "month", "month": month})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Give a month as YYYY-MM, between 1900 and 2999." in page
    assert f"Meetings in {timezone.localdate():%B %Y}" in page  # this month's grid instead


@pytest.mark.parametrize("who", ["visitor", "member"])
@pytest.mark.parametrize("field", ["from", "to"])
@pytest.mark.parametrize("value", BAD_DATES)
def test_a_date_filter_out_of_range_is_a_clear_400(client_as, network, who, field, value):
    response = client_as(who).get(reverse("meetings:list"), {field: value})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Give a date between 1 January 1900 and 31 December 2999." in page or (
        "Enter a valid date." in page
    )


@pytest.mark.parametrize("view", ["month", "list"])
def test_dates_at_the_ends_of_the_range_work(client, network, view):
    factories.make_meeting(
        network=network, audience="public", title="Far future",
        starts_at=datetime.datetime(2999, 12, 31, 9, tzinfo=LONDON),
    )  # fmt: skip

    query = {"view": "month", "month": "2999-12"} if view == "month" else {"to": "2999-12-31"}
    response = client.get(reverse("meetings:list"), {**query, "from": "1900-01-01"})

    assert response.status_code == 200
    assert "Far future" in response.content.decode()


def test_a_good_month_shows_its_meetings(client, network):
    factories.make_meeting(
        network=network, audience="public", title="November forum",
        starts_at=datetime.datetime(2026, 11, 12, 9, tzinfo=LONDON),
    )  # fmt: skip

    response = client.get(reverse("meetings:list"), {"view": "month", "month": "2026-11"})

    assert response.status_code == 200
    assert "November forum" in response.content.decode()


def test_a_coordinator_cannot_plan_a_meeting_beyond_the_calendar(client, coordinator, network):
    client.force_login(coordinator)

    response = client.post(
        reverse("meetings:create", args=[network.slug]),
        {"title": "Far off", "kind": "network_meeting", "starts_at": "9999-12-31T22:00",
         "ends_at": "9999-12-31T23:00", "format": "in_person", "venue_address": "Oxford",
         "audience": "public"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "between 1 January 1900 and 31 December 2999" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("first_date", "until"),
    [("9999-12-01", ""), ("0001-01-01", "0001-06-01"), ("2026-09-01", "2999-12-31")],
)
def test_a_series_stays_within_the_calendar(client, coordinator, network, first_date, until):
    client.force_login(coordinator)

    response = client.post(
        reverse("meetings:series_create", args=[network.slug]),
        {"rule": "weekly", "first_date": first_date, "until": until, "start_time": "16:00",
         "end_time": "17:00", "interval": "1", "nth": "1", "per_year": "6", "title": "Call",
         "kind": "network_call", "format": "online", "online_url": "https://meet.example/a",
         "audience": "members"},
    )  # fmt: skip

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Meeting.objects.exists()


# A title with a line break -------------------------------------------------------------


def _calendar(response) -> Calendar:
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def test_a_title_with_a_line_break_is_saved_on_one_line(client, coordinator, network):
    client.force_login(coordinator)
    day = timezone.localdate() + datetime.timedelta(days=10)

    client.post(
        reverse("meetings:create", args=[network.slug]),
        {"title": "Spring\r\nmeeting\x0b ", "kind": "network_meeting",
         "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00", "format": "in_person",
         "venue_address": "County Hall\r\n\r\nNew Road, Oxford", "audience": "public"},
    )  # fmt: skip

    meeting = Meeting.objects.get()
    assert meeting.title == "Spring meeting"
    assert meeting.venue_address == "County Hall, New Road, Oxford"


def test_a_meeting_whose_title_has_a_line_break_still_has_a_calendar_file(client, network):
    # Saved before titles were normalised (or by anything that skips the form).
    meeting = factories.make_meeting(
        network=network, audience="public", title="Heads'\nforum\r\n",
        venue_address="County Hall\nOxford",
    )  # fmt: skip
    Network.objects.filter(pk=network.pk).update(name="Oxford\nheads", short_name="")

    single = _calendar(client.get(reverse("meetings:ics", args=[meeting.pk])))
    feed = _calendar(client.get(reverse("meetings:network_feed", args=[network.slug])))

    [event] = single.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Oxford heads: Heads' forum"
    assert str(event["LOCATION"]) == "County Hall, Oxford"
    assert str(single["X-WR-CALNAME"]) == "Heads' forum"
    assert str(feed["X-WR-CALNAME"]) == "Oxford heads"
    assert [str(event["SUMMARY"]) for event in feed.walk("VEVENT")] == [
        "Oxford heads: Heads' forum"
    ]


@pytest.mark.parametrize(
    "title", ["Heads' forum", "Heads'\tforum", "  Heads'  forum ", "Heads'\x07forum",
              "Heads'\u00a0forum", "Heads'\u2028forum"],
)  # fmt: skip
def test_a_title_on_one_line_but_with_odd_spacing_is_tidied_in_the_feed(client, network, title):
    factories.make_meeting(network=network, audience="public", title=title)
    feed = _calendar(client.get(reverse("meetings:network_feed", args=[network.slug])))
    [event] = feed.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"{network.label}: Heads' forum"
