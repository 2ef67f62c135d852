"""Calendar feeds, parsed back with an independent reader (recurring-ical-events)."""

import datetime

import pytest
import recurring_ical_events
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import calendars, services
from meetings.models import LONDON, Meeting
from tests import factories

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _events(response, start=(2000, 1, 1), end=(2100, 1, 1)):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return calendar, recurring_ical_events.of(calendar).between(start, end)


def _at(year, month, day, hour):
    return datetime.datetime(year, month, day, hour, tzinfo=LONDON)


@pytest.fixture
def public_meetings(network):
    # Either side of the October change (25 October 2026) and the March one (28 March 2027).
    times = {
        "Before October": _at(2026, 10, 22, 16),
        "After October": _at(2026, 10, 29, 16),
        "Before March": _at(2027, 3, 25, 16),
        "After March": _at(2027, 4, 1, 16),
    }
    return [
        factories.make_meeting(
            network=network, title=title, starts_at=starts, audience=Meeting.Audience.PUBLIC
        )
        for title, starts in times.items()
    ]


def test_network_feed_keeps_london_wall_clock_across_clock_changes(
    client, network, public_meetings
):
    calendar, events = _events(client.get(reverse("meetings:network_feed", args=[network.slug])))
    # Each event's title names the network.
    assert {str(event["SUMMARY"]).partition(": ")[0] for event in events} == {network.label}
    by_title = {str(event["SUMMARY"]).partition(": ")[2]: event for event in events}
    assert set(by_title) == {"Before October", "After October", "Before March", "After March"}
    for event in events:
        start = event["DTSTART"].dt
        assert start.astimezone(LONDON).hour == 16
        assert event["DTSTART"].params["TZID"] == "Europe/London"
    utc_hours = {title: e["DTSTART"].dt.astimezone(UTC).hour for title, e in by_title.items()}
    assert utc_hours == {"Before October": 15, "After October": 16, "Before March": 16,
                         "After March": 15}  # fmt: skip
    timezones = list(calendar.walk("VTIMEZONE"))
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/London"]


def test_uid_stays_and_sequence_rises_over_edits_and_cancellation(client, network):
    meeting = factories.make_meeting(network=network, audience=Meeting.Audience.PUBLIC)
    url = reverse("meetings:ics", args=[meeting.pk])
    _, [first] = _events(client.get(url))

    later = meeting.starts_at + datetime.timedelta(hours=2)
    services.update_meeting(
        meeting=meeting,
        changes={"starts_at": later, "ends_at": later + datetime.timedelta(hours=1)},
    )
    _, [second] = _events(client.get(url))
    services.cancel_meeting(meeting=meeting, reason="Snow")
    _, [third] = _events(client.get(url))

    assert str(first["UID"]) == str(second["UID"]) == str(third["UID"])
    assert first["SEQUENCE"] < second["SEQUENCE"] < third["SEQUENCE"]
    assert second["DTSTART"].dt == later
    assert str(third["STATUS"]) == "CANCELLED"
    assert str(first["STATUS"]) == "CONFIRMED"


def test_a_cancelled_meeting_stays_in_the_network_feed(client, network):
    meeting = factories.make_meeting(network=network, audience=Meeting.Audience.PUBLIC)
    services.cancel_meeting(meeting=meeting, reason="Snow")
    _, events = _events(client.get(reverse("meetings:network_feed", args=[network.slug])))
    assert [str(event["STATUS"]) for event in events] == ["CANCELLED"]


def test_drafts_and_members_meetings_stay_out_of_a_visitors_feed(client, network):
    factories.make_meeting(network=network, state="draft", audience="public", title="Draft")
    factories.make_meeting(network=network, title="Members")
    _, events = _events(client.get(reverse("meetings:network_feed", args=[network.slug])))
    assert events == []


@pytest.mark.parametrize("name", ["meetings:network_feed", "meetings:ics"])
def test_conditional_get_answers_304_until_something_changes(client, network, name):
    meeting = factories.make_meeting(network=network, audience=Meeting.Audience.PUBLIC)
    url = reverse(name, args=[network.slug if name == "meetings:network_feed" else meeting.pk])
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]

    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304

    services.update_meeting(meeting=meeting, changes={"title": "New title"})
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_personal_feed_has_my_networks_and_my_registrations_with_links_i_may_see(
    client, network, other_network, member
):
    mine = factories.make_meeting(
        network=network, title="My network's call", format="online",
        online_url="https://meet.example/mine",
    )  # fmt: skip
    elsewhere = factories.make_meeting(
        network=other_network, title="Open conference", audience="signed_in", format="hybrid",
        online_url="https://meet.example/elsewhere",
    )  # fmt: skip
    factories.make_meeting(network=other_network, title="Not mine", audience="signed_in")
    services.register(meeting=elsewhere, person=member)
    feed = services.calendar_feed_for(member)

    _, events = _events(client.get(reverse("meetings:personal_feed", args=[feed.token])))

    summaries = {str(event["SUMMARY"]) for event in events}
    assert summaries == {f"{mine.network.label}: My network's call",
                         f"{other_network.label}: Open conference"}  # fmt: skip
    by_title = {str(event["SUMMARY"]).partition(": ")[2]: event for event in events}
    assert "meet.example/mine" in str(by_title["My network's call"]["DESCRIPTION"])
    assert "meet.example/elsewhere" in str(by_title["Open conference"]["DESCRIPTION"])
    assert mine.pk


def test_a_waiting_list_place_does_not_show_the_link(client, other_network, member):
    meeting = factories.make_meeting(
        network=other_network, audience="signed_in", format="online", capacity=1,
        online_url="https://meet.example/full",
    )  # fmt: skip
    factories.make_registration(meeting=meeting, person=factories.make_head())
    services.register(meeting=meeting, person=member)
    feed = services.calendar_feed_for(member)
    response = client.get(reverse("meetings:personal_feed", args=[feed.token]))
    assert b"meet.example/full" not in response.content


def test_resetting_the_token_retires_the_old_address(client, member):
    old = services.calendar_feed_for(member).token
    client.force_login(member)
    client.post(reverse("meetings:feed_reset"))
    new = services.calendar_feed_for(member).token
    assert new != old
    client.logout()
    assert client.get(reverse("meetings:personal_feed", args=[old])).status_code == 404
    assert client.get(reverse("meetings:personal_feed", args=[new])).status_code == 200


def test_my_schedule_page_shows_my_feed_address_and_meetings(client, network, member):
    factories.make_meeting(network=network, title="Members meeting")
    client.force_login(member)
    page = client.get(reverse("meetings:my_schedule")).content.decode()
    assert "Members meeting" in page
    assert services.calendar_feed_for(member).token in page


def test_a_deactivated_accounts_feed_is_an_empty_calendar_until_it_is_switched_back_on(
    client, network, other_network, member
):
    """Issue 19, finding 15: the secret address outlived the account being switched off.

    An empty calendar, not an error: calendar apps keep the last copy of a feed that
    fails (links and all), but empty their copy of one that has no events."""
    factories.make_meeting(
        network=network, title="Members' call", format="online",
        online_url="https://meet.example/members",
    )  # fmt: skip
    registered = factories.make_meeting(
        network=other_network, title="Open conference", audience="signed_in",
        format="hybrid", online_url="https://meet.example/conference",
    )  # fmt: skip
    services.register(meeting=registered, person=member)
    url = reverse("meetings:personal_feed", args=[services.calendar_feed_for(member).token])
    before = client.get(url)
    assert len(_events(before)[1]) == 2

    member.is_active = False
    member.save(update_fields=["is_active"])  # as the admin's change form does
    switched_off = client.get(url, headers={"if-none-match": before["ETag"]})

    calendar, events = _events(switched_off)
    assert events == [] and calendar.walk("VEVENT") == []
    assert b"meet.example" not in switched_off.content
    assert b"Members' call" not in switched_off.content
    assert b"Open conference" not in switched_off.content

    member.is_active = True
    member.save(update_fields=["is_active"])
    assert len(_events(client.get(url))[1]) == 2


def test_my_schedule_offers_a_webcal_subscription_and_a_copy_button(client, member):
    """Issue 21: the feed was a bare text box. The copy button is hidden until the script
    shows it (without JavaScript the address is there to select)."""
    client.force_login(member)
    page = client.get(reverse("meetings:my_schedule")).content.decode()
    token = services.calendar_feed_for(member).token
    assert f'href="webcal://testserver/me/calendar/{token}.ics"' in page
    assert "Subscribe in my calendar app" in page
    assert 'data-copy-target="feed-url"' in page and "hidden>Copy the address" in page
    assert "js/copy.js" in page


def _ended(ago: datetime.timedelta) -> datetime.datetime:
    """The start of a 90-minute meeting that ended `ago` ago."""
    return timezone.now().replace(microsecond=0) - ago - datetime.timedelta(minutes=90)


def _feed_url(kind, network, member):
    if kind == "network":
        return reverse("meetings:network_feed", args=[network.slug])
    return reverse("meetings:personal_feed", args=[services.calendar_feed_for(member).token])


@pytest.mark.parametrize("kind", ["network", "personal"])
def test_a_feed_carries_the_past_three_months_and_everything_ahead(client, network, member, kind):
    hour, day = datetime.timedelta(hours=1), datetime.timedelta(days=1)
    times = {
        "A hundred days ago": _ended(100 * day),
        "Just before the window": _ended(calendars.FEED_HISTORY + hour),
        "Just inside the window": _ended(calendars.FEED_HISTORY - hour),
        "Eighty days ago": _ended(80 * day),
        "In five years": timezone.now() + 5 * 365 * day,
    }
    meetings = {
        title: factories.make_meeting(
            network=network, title=title, starts_at=starts, audience=Meeting.Audience.PUBLIC
        )
        for title, starts in times.items()
    }
    # Cancelled before its day, a month ago.
    cancelled = factories.make_meeting(
        network=network, title="Cancelled last month", audience=Meeting.Audience.PUBLIC
    )
    services.cancel_meeting(meeting=cancelled, reason="Snow")
    starts = _ended(30 * day)
    Meeting.objects.filter(pk=cancelled.pk).update(
        starts_at=starts, ends_at=starts + datetime.timedelta(minutes=90)
    )

    _, events = _events(client.get(_feed_url(kind, network, member)))

    by_title = {
        str(event["SUMMARY"]).removeprefix("Cancelled: ").partition(": ")[2]: event
        for event in events
    }
    assert set(by_title) == {"Just inside the window", "Eighty days ago", "In five years",
                             "Cancelled last month"}  # fmt: skip
    # Inside the window a cancelled meeting stays, so calendars that hold it take it out.
    assert str(by_title["Cancelled last month"]["STATUS"]) == "CANCELLED"
    # The UIDs calendars already hold: the meeting's own UUID, as ever.
    meetings["Cancelled last month"] = cancelled
    for title, event in by_title.items():
        assert str(event["UID"]) == f"{meetings[title].uid}@headnet"


def test_a_meeting_that_has_left_the_feeds_keeps_its_own_calendar_file(client, network):
    old = factories.make_meeting(
        network=network, title="Last year", starts_at=_ended(datetime.timedelta(days=365)),
        audience=Meeting.Audience.PUBLIC,
    )  # fmt: skip
    _, feed = _events(client.get(reverse("meetings:network_feed", args=[network.slug])))
    _, [event] = _events(client.get(reverse("meetings:ics", args=[old.pk])))
    assert feed == []
    assert str(event["UID"]) == f"{old.uid}@headnet"
