"""A change email says what changed, from what to what, in words: the time, the place, the
format, the title; the new online link is on the meeting's page, never in the email."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from meetings import services
from meetings.changes import what_changed
from meetings.models import LONDON, Meeting, MeetingSeries
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _february():
    """A month before the meetings these tests move."""
    with time_machine.travel(datetime.datetime(2026, 2, 1, 12, tzinfo=LONDON), tick=False):
        yield


TUESDAY = datetime.datetime(2026, 3, 3, 9, 30, tzinfo=LONDON)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def registered(network):
    return factories.make_head(email="registered@school.example")


def _meeting(network, registered, **fields):
    fields.setdefault("audience", Meeting.Audience.SIGNED_IN)
    meeting = factories.make_meeting(
        network=network, title="Spring meeting", starts_at=TUESDAY, minutes=60, **fields
    )
    factories.make_registration(meeting=meeting, person=registered)
    return meeting


def _change_email(meeting, **changes):
    """The one email the person registered gets for the change: its lines of change."""
    services.update_meeting(meeting=meeting, changes=changes)
    [email] = mail.outbox
    return email


def _said(email):
    """What the email says changed: the lines between its first line and "It is now"."""
    return [line for line in email.body.split("It is now:")[0].splitlines()[1:] if line]


def test_a_new_day_says_from_which_day_and_time_to_which(network, registered):
    meeting = _meeting(network, registered)
    thursday = TUESDAY + 2 * DAY

    email = _change_email(meeting, starts_at=thursday, ends_at=thursday + HOUR)

    assert _said(email) == [
        "Moved from Tuesday 3 March 2026, 09:30 to Thursday 5 March 2026, 09:30."
    ]
    assert "Thursday 5 March 2026, 09:30 to 10:30 (UK time)" in email.body
    assert email.subject.endswith("Changed: Spring meeting, 5 March")
    assert "because you registered for this meeting" in email.body


def test_a_new_time_on_the_same_day_names_the_day_once(network, registered):
    meeting = _meeting(network, registered)
    later = TUESDAY + HOUR / 2

    email = _change_email(meeting, starts_at=later, ends_at=later + HOUR)

    assert _said(email) == ["Moved from 09:30 to 10:00 on Tuesday 3 March 2026."]


def test_a_move_that_also_changes_the_length_says_when_it_now_ends(network, registered):
    meeting = _meeting(network, registered)
    thursday = TUESDAY + 2 * DAY

    email = _change_email(meeting, starts_at=thursday, ends_at=thursday + 2 * HOUR)

    assert _said(email) == [
        "Moved from Tuesday 3 March 2026, 09:30 to Thursday 5 March 2026, 09:30. "
        "It now ends at 11:30."
    ]


def test_a_new_end_alone_says_from_when_to_when(network, registered):
    meeting = _meeting(network, registered)

    email = _change_email(meeting, ends_at=TUESDAY + 2 * HOUR)

    assert _said(email) == ["Now ends at 11:30 instead of 10:30."]


def test_a_new_venue_says_where_it_was_and_where_it_is(network, registered):
    meeting = _meeting(network, registered, venue_address="County Hall, Oxford")

    email = _change_email(meeting, venue_address="Town Hall, Banbury")

    assert _said(email) == ["Now at Town Hall, Banbury instead of County Hall, Oxford."]
    assert "\nTown Hall, Banbury\n" in email.body


def test_a_member_school_as_the_new_venue_is_named_with_its_town(network, registered):
    meeting = _meeting(network, registered, venue_address="County Hall, Oxford")
    school = factories.make_school(name="Cherwell Valley Primary", town="Banbury")

    email = _change_email(meeting, venue_school=school, venue_address="")

    assert _said(email) == [
        "Now at Cherwell Valley Primary, Banbury instead of County Hall, Oxford."
    ]


def test_moving_online_says_so_and_keeps_the_link_on_the_meeting_page(network, registered):
    meeting = _meeting(network, registered, venue_address="County Hall, Oxford")

    email = _change_email(
        meeting, format=Meeting.Format.ONLINE, online_url="https://meet.example/secret-room"
    )

    assert _said(email) == [
        "Now online, no longer at County Hall, Oxford: the link is on the meeting's page."
    ]
    assert "secret-room" not in email.body
    assert meeting.get_absolute_url() in email.body


def test_moving_from_online_to_a_room_says_where(network, registered):
    meeting = _meeting(
        network, registered, format=Meeting.Format.ONLINE, online_url="https://meet.example/a",
        venue_address="",
    )  # fmt: skip

    email = _change_email(meeting, format=Meeting.Format.IN_PERSON, venue_address="Town Hall")

    assert _said(email) == ["Now in person at Town Hall, no longer online."]


def test_adding_an_online_link_to_a_meeting_in_a_room(network, registered):
    meeting = _meeting(network, registered, venue_address="County Hall, Oxford")

    email = _change_email(
        meeting, format=Meeting.Format.HYBRID, online_url="https://meet.example/hybrid"
    )

    assert _said(email) == [
        "Now also online, as well as at County Hall, Oxford: the link is on the meeting's page."
    ]
    assert "hybrid" not in email.body.split("It is now:")[0]


def test_a_new_online_link_is_mentioned_but_not_given(network, registered):
    meeting = _meeting(
        network, registered, format=Meeting.Format.ONLINE, online_url="https://meet.example/old",
        venue_address="",
    )  # fmt: skip

    email = _change_email(meeting, online_url="https://meet.example/new-room")

    assert _said(email) == ["The online link has changed: the new one is on the meeting's page."]
    assert "new-room" not in email.body


def test_a_new_title_gives_the_old_one_and_several_changes_each_have_a_line(network, registered):
    meeting = _meeting(network, registered, venue_address="County Hall, Oxford")
    thursday = TUESDAY + 2 * DAY

    email = _change_email(
        meeting, title="Spring conference", starts_at=thursday, ends_at=thursday + HOUR,
        venue_address="Town Hall, Banbury",
    )  # fmt: skip

    assert _said(email) == [
        'Now called "Spring conference" (it was "Spring meeting").',
        "Moved from Tuesday 3 March 2026, 09:30 to Thursday 5 March 2026, 09:30.",
        "Now at Town Hall, Banbury instead of County Hall, Oxford.",
    ]


def test_each_later_meeting_of_a_series_says_its_own_move(network, registered):
    series = MeetingSeries.objects.create(network=network, rule=MeetingSeries.Rule.WEEKLY)
    first = _meeting(network, registered, series=series)
    second = _meeting(network, registered, series=series)
    Meeting.objects.filter(pk=second.pk).update(
        starts_at=TUESDAY + 7 * DAY, ends_at=TUESDAY + 7 * DAY + HOUR
    )
    thursday = TUESDAY + 2 * DAY

    services.update_meeting(
        meeting=first, changes={"starts_at": thursday, "ends_at": thursday + HOUR},
        following=True,
    )  # fmt: skip

    assert sorted(_said(email)[0] for email in mail.outbox) == [
        "Moved from Tuesday 10 March 2026, 09:30 to Thursday 12 March 2026, 09:30.",
        "Moved from Tuesday 3 March 2026, 09:30 to Thursday 5 March 2026, 09:30.",
    ]


def test_a_meeting_over_several_days_gives_the_day_it_now_ends(network):
    before = Meeting(
        title="Conference", starts_at=TUESDAY, ends_at=TUESDAY + HOUR, venue_address="Hall"
    )
    after = Meeting(
        title="Conference", starts_at=TUESDAY, ends_at=TUESDAY + DAY,
        venue_address="Hall",
    )  # fmt: skip

    assert what_changed(before, after) == [
        "Now ends at Wednesday 4 March 2026, 09:30 instead of 10:30."
    ]


def test_nothing_a_person_must_know_of_gives_no_line():
    meeting = Meeting(title="Call", starts_at=TUESDAY, ends_at=TUESDAY + HOUR, venue_address="X")
    same = Meeting(title="Call", starts_at=TUESDAY, ends_at=TUESDAY + HOUR, venue_address="X")

    assert what_changed(meeting, same) == []


def test_the_edit_page_says_who_hears_of_a_change(client, network, coordinator):
    meeting = factories.make_meeting(network=network)
    client.force_login(coordinator)

    page = client.get(reverse("meetings:edit", args=[meeting.pk])).content.decode()

    assert "emailed to the people registered and to everyone an announcement about it" in page
