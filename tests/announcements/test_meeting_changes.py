"""A meeting's change or cancellation reaches everyone told of it: the people registered,
and everyone an announcement about it reached, registered or not; one email each, in
the same words, whatever their email preference."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from announcements.models import Announcement, Delivery
from meetings import services
from meetings.models import Meeting
from networks.models import EmailPreference
from tests import factories

pytestmark = pytest.mark.django_db


def _announce(meeting, people, status=Delivery.Status.SENT, network=None):
    """An announcement about the meeting that reached the people (a delivery each)."""
    announcement = Announcement.objects.create(
        network=network or meeting.network,
        audience=Announcement.Audience.NETWORK,
        meeting=meeting,
        subject=f"Come to {meeting.title}",
        body="All welcome.",
        state=Announcement.State.SENT,
        sent_at=timezone.now(),
    )
    for person in people:
        Delivery.objects.create(announcement=announcement, person=person, status=status)
    return announcement


def _emailed(prefix=""):
    """Each address emailed, with how many emails it got whose subject has the prefix."""
    counts = {}
    for message in mail.outbox:
        if prefix in message.subject:
            counts[message.to[0]] = counts.get(message.to[0], 0) + 1
    return counts


@pytest.fixture
def meeting(network):
    """A meeting for any signed-in head, so people outside the network may see it."""
    return factories.make_meeting(
        network=network, title="Spring meeting", audience=Meeting.Audience.SIGNED_IN
    )


@pytest.fixture
def people(network, meeting):
    """Told by the announcement only (a sub-group's member, not the network's); told by it
    and registered; registered only; told nothing."""
    subgroup = factories.make_network(name="Early Reading", parent=network)
    told = factories.make_head(email="told@school.example")
    factories.make_membership(person=told, network=subgroup)
    both = factories.make_head(email="both@school.example")
    registered = factories.make_head(email="registered@school.example")
    nobody = factories.make_head(email="nobody@school.example")
    _announce(meeting, [told, both])
    factories.make_registration(meeting=meeting, person=both)
    factories.make_registration(meeting=meeting, person=registered)
    return {"told": told, "both": both, "registered": registered, "nobody": nobody}


def _move(meeting, days=2):
    later = meeting.starts_at + datetime.timedelta(days=days)
    services.update_meeting(
        meeting=meeting,
        changes={"starts_at": later, "ends_at": later + datetime.timedelta(hours=1)},
    )


def test_a_change_reaches_everyone_the_announcement_told_once_each(meeting, people):
    _move(meeting)

    assert _emailed() == {
        "told@school.example": 1,
        "both@school.example": 1,
        "registered@school.example": 1,
    }
    by_address = {message.to[0]: message for message in mail.outbox}
    told = by_address["told@school.example"]
    assert told.subject == by_address["registered@school.example"].subject
    assert "Moved from " in told.body
    assert "because Oxfordshire Primary Heads sent you an announcement about this" in told.body
    assert "because you registered" in by_address["both@school.example"].body


def test_a_cancellation_reaches_everyone_the_announcement_told_once_each(
    meeting, people, member, coordinator
):
    services.cancel_meeting(meeting=meeting, reason="Snow")

    # The members were told when it was published; the rest by registering or the
    # announcement.
    assert _emailed() == {
        "member@school.example": 1,
        "coordinator@school.example": 1,
        "told@school.example": 1,
        "both@school.example": 1,
        "registered@school.example": 1,
    }
    assert all("Reason: Snow" in message.body for message in mail.outbox)


def test_a_member_the_announcement_told_is_not_told_twice_of_a_cancellation(
    meeting, member, coordinator
):
    _announce(meeting, [member, coordinator])

    services.cancel_meeting(meeting=meeting, reason="Snow")

    assert _emailed() == {"member@school.example": 1, "coordinator@school.example": 1}


def test_an_announcement_held_for_the_digest_or_on_its_way_counts_as_telling(meeting):
    digest, queued = factories.make_head(), factories.make_head()
    _announce(meeting, [digest], status=Delivery.Status.DIGEST)
    _announce(meeting, [queued], status=Delivery.Status.QUEUED)

    _move(meeting)

    assert _emailed() == {digest.email: 1, queued.email: 1}


def test_an_announcement_that_never_arrived_told_nobody(meeting):
    bounced, failed, suppressed = (factories.make_head() for _ in range(3))
    _announce(meeting, [bounced], status=Delivery.Status.BOUNCED)
    _announce(meeting, [failed], status=Delivery.Status.FAILED)
    _announce(meeting, [suppressed], status=Delivery.Status.SUPPRESSED)

    _move(meeting)
    services.cancel_meeting(meeting=meeting, reason="Snow")

    assert mail.outbox == []


def test_an_announcement_about_another_meeting_tells_nothing_of_this_one(network, meeting):
    other = factories.make_meeting(network=network, audience=Meeting.Audience.SIGNED_IN)
    person = factories.make_head()
    _announce(other, [person])

    _move(meeting)

    assert mail.outbox == []


def test_meeting_changes_go_whatever_the_email_preference(network, meeting):
    person = factories.make_head()
    _announce(meeting, [person])
    EmailPreference.objects.create(
        person=person, network=network, choice=EmailPreference.Choice.NONE
    )

    _move(meeting)

    assert _emailed("Changed") == {person.email: 1}


def test_someone_who_may_no_longer_see_the_meeting_is_not_told(network):
    """A members' meeting: a person the announcement reached who has since left hears
    nothing more of it."""
    meeting = factories.make_meeting(network=network)
    gone = factories.make_head(email="gone@school.example")
    factories.make_membership(person=gone, network=network, status="left")
    _announce(meeting, [gone])

    _move(meeting)
    services.cancel_meeting(meeting=meeting, reason="Snow")

    assert "gone@school.example" not in _emailed()


def test_a_change_nobody_must_know_of_tells_nobody(meeting, people):
    services.update_meeting(meeting=meeting, changes={"agenda": "A new item"})

    assert mail.outbox == []
