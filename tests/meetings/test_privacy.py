"""meetings.privacy: the person's data, and what closing an account removes and keeps."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings import privacy, services
from meetings.models import CalendarFeed, Meeting, Paper, Registration
from tests import factories

pytestmark = pytest.mark.django_db


def test_personal_data_lists_registrations_and_feed_without_its_secret(network, member):
    meeting = factories.make_meeting(network=network, title="Spring meeting", created_by=member)
    services.register(meeting=meeting, person=member)
    feed = services.calendar_feed_for(member)

    data = privacy.personal_data(member)

    assert [r["meeting"] for r in data["meeting_registrations"]] == ["Spring meeting"]
    assert data["meeting_registrations"][0]["status"] == "Going"
    assert data["calendar_feed"] is not None
    assert feed.token not in str(data)
    assert data["meetings_created"] == ["Spring meeting"]


def test_forgetting_frees_the_place_for_the_next_person_and_keeps_the_networks_records(
    network, member
):
    meeting = factories.make_meeting(
        network=network, capacity=1, created_by=member, audience=Meeting.Audience.SIGNED_IN
    )
    services.register(meeting=meeting, person=member)
    waiting = factories.make_head()
    services.register(meeting=meeting, person=waiting)
    services.add_paper(meeting=meeting, by=member, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    services.calendar_feed_for(member)
    mail.outbox.clear()

    privacy.forget_person(member)

    assert not Registration.objects.filter(person=member).exists()
    assert not CalendarFeed.objects.filter(person=member).exists()
    assert Registration.objects.get(person=waiting).is_going
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert Meeting.objects.get().created_by is None
    assert Paper.objects.get().uploaded_by is None


def test_forgetting_someone_with_nothing_is_harmless(head):
    privacy.forget_person(head)
    assert privacy.personal_data(head)["meeting_registrations"] == []
