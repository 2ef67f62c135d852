"""Calling a meeting off: who is told, what its page says, and when it can no longer be."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from tests import factories

pytestmark = pytest.mark.django_db


def test_everyone_told_it_was_on_is_told_it_is_off(network, member, coordinator):
    """Publishing emailed every member; the cancellation reaches them too, not only the
    people registered (and not a member who left, nor anyone twice)."""
    registered = factories.make_head(email="registered@school.example")
    gone = factories.make_head(email="gone@school.example")
    factories.make_membership(person=gone, network=network, status="left")
    meeting = factories.make_meeting(
        network=network, state="draft", audience=Meeting.Audience.SIGNED_IN
    )
    services.publish_meeting(meeting=meeting)
    told_on = sorted(message.to[0] for message in mail.outbox)
    factories.make_registration(meeting=meeting, person=registered)
    factories.make_registration(meeting=meeting, person=member)
    mail.outbox.clear()

    services.cancel_meeting(meeting=meeting, reason="Snow")

    told_off = sorted(message.to[0] for message in mail.outbox)
    assert told_on == sorted([member.email, coordinator.email])
    assert told_off == sorted([member.email, coordinator.email, registered.email])
    assert all("Reason: Snow" in message.body for message in mail.outbox)
    assert all(message.subject.endswith(meeting.local_start.strftime("%-d %B"))
               for message in mail.outbox)  # fmt: skip


def test_a_members_meeting_cancelled_tells_no_outsider(network, member):
    """A non-member left registered for a members' meeting may not see it: not told."""
    outsider = factories.make_head(email="outsider@school.example")
    meeting = factories.make_meeting(network=network)
    factories.make_registration(meeting=meeting, person=outsider)
    services.cancel_meeting(meeting=meeting, reason="Snow")
    assert [message.to for message in mail.outbox] == [[member.email]]


def test_a_cancelled_meeting_offers_no_place(client, network, member):
    meeting = factories.make_meeting(network=network)
    factories.make_registration(meeting=meeting, person=member)
    services.cancel_meeting(meeting=meeting, reason="Snow")
    client.force_login(member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "This meeting has been cancelled." in page
    assert "You have a place" not in page
    assert "Give up my place" not in page
    assert "Cancelled: nobody needs to come." in page


def _past(network):
    starts = timezone.now() - datetime.timedelta(days=2)
    return factories.make_meeting(network=network, starts_at=starts)


def test_a_past_meeting_offers_no_cancel_and_the_service_refuses(client, network, coordinator):
    meeting = _past(network)
    client.force_login(coordinator)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Cancel this meeting" not in page
    assert "This meeting has taken place." in page

    response = client.get(reverse("meetings:cancel", args=[meeting.pk]), follow=True)
    assert "it can no longer be cancelled" in response.content.decode()
    response = client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": "Oops"})
    assert "it can no longer be cancelled" in response.content.decode()
    with pytest.raises(ValidationError):
        services.cancel_meeting(meeting=meeting, reason="Oops")
    meeting.refresh_from_db()
    assert meeting.is_published and mail.outbox == []


def test_an_upcoming_meeting_still_offers_cancel(client, network, coordinator):
    meeting = factories.make_meeting(network=network)
    client.force_login(coordinator)
    assert "Cancel this meeting" in client.get(meeting.get_absolute_url()).content.decode()
