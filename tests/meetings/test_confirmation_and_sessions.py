"""Registering is confirmed by email with the calendar file; one place per briefing given
in several sessions (taking another moves you, capacity kept)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from icalendar import Calendar

from meetings import services
from meetings.models import Meeting, MeetingSeries, Registration
from tests import factories

pytestmark = pytest.mark.django_db


def test_registering_emails_a_confirmation_with_the_meeting_s_calendar_file(
    client, network, member
):
    meeting = factories.make_meeting(
        network=network, title="Reading for pleasure", format="hybrid",
        online_url="https://meet.example/reading",
    )  # fmt: skip
    client.force_login(member)
    client.post(reverse("meetings:register", args=[meeting.pk]))

    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject.endswith(
        f"Your place: Reading for pleasure, {meeting.local_start:%-d %B}"
    )
    assert "You have a place at Reading for pleasure" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename == f"meeting-{meeting.pk}.ics" and mimetype.startswith("text/calendar")
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert "Reading for pleasure" in str(event["SUMMARY"])
    assert "https://meet.example/reading" in str(event["DESCRIPTION"])  # they may see it


def test_the_waiting_list_is_confirmed_without_a_calendar_file(network, member, head):
    meeting = factories.make_meeting(network=network, capacity=1, audience="signed_in")
    factories.make_registration(meeting=meeting, person=head)
    services.register(meeting=meeting, person=member)
    [message] = mail.outbox
    assert "On the waiting list" in message.subject and message.attachments == []


def test_registering_twice_confirms_once(network, member):
    meeting = factories.make_meeting(network=network)
    services.register(meeting=meeting, person=member)
    services.register(meeting=meeting, person=member)
    assert len(mail.outbox) == 1


def _briefing(network, capacity=None):
    series = MeetingSeries.objects.create(network=network, rule=MeetingSeries.Rule.SESSIONS)
    first = factories.make_meeting(
        network=network, title="Ofsted briefing", kind="briefing", series=series,
        capacity=capacity,
    )  # fmt: skip
    second = factories.make_meeting(
        network=network, title="Ofsted briefing", kind="briefing", series=series,
        starts_at=first.starts_at + datetime.timedelta(days=2),
        venue_address="Banbury Town Hall", capacity=capacity,
    )  # fmt: skip
    return first, second


def test_taking_another_session_moves_you(client, network, member):
    first, second = _briefing(network)
    services.register(meeting=first, person=member)
    client.force_login(member)
    page = client.get(second.get_absolute_url()).content.decode()
    assert "Move my place here" in page and "you are registered for this one" in page

    client.post(reverse("meetings:register", args=[second.pk]))

    live = Registration.objects.live().filter(person=member)
    assert [registration.meeting for registration in live] == [second]
    assert "You have moved from the session on" in mail.outbox[-1].body


def test_a_place_freed_by_a_move_goes_to_the_first_person_waiting(network, member, coordinator):
    first, second = _briefing(network, capacity=1)
    services.register(meeting=first, person=member)
    services.register(meeting=first, person=coordinator)  # waiting
    services.register(meeting=second, person=member)  # moves
    assert first.registrations.get(status="going").person == coordinator
    assert second.registrations.get(status="going").person == member


def test_a_full_session_keeps_your_place_in_the_other(network, member, coordinator):
    first, second = _briefing(network, capacity=1)
    services.register(meeting=first, person=member)
    services.register(meeting=second, person=coordinator)
    with pytest.raises(ValidationError, match="you keep your place"):
        services.register(meeting=second, person=member)
    assert Registration.objects.live().get(person=member).meeting == first
    assert second.registrations.filter(status="going").count() == 1


def test_separate_meetings_of_a_series_are_not_sessions(network, member):
    series = MeetingSeries.objects.create(network=network, rule=MeetingSeries.Rule.WEEKLY)
    one = factories.make_meeting(network=network, series=series)
    two = factories.make_meeting(network=network, series=series)
    services.register(meeting=one, person=member)
    services.register(meeting=two, person=member)
    assert Registration.objects.live().filter(person=member).count() == 2
    assert Meeting.objects.count() == 2
