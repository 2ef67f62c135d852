"""Coordinators' pages and the schedules, through URLs."""

import datetime
import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import LONDON, Meeting, Paper
from tests import factories

pytestmark = pytest.mark.django_db


def _local(day: datetime.date, hour: int) -> str:
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def test_a_coordinator_plans_a_draft_then_publishes_it(client, coordinator, network, member):
    client.force_login(coordinator)
    day = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        reverse("meetings:create", args=[network.slug]),
        {"title": "Spring meeting", "kind": "network_meeting", "starts_at": _local(day, 9),
         "ends_at": _local(day, 11), "format": "in_person", "venue_address": "Oxford",
         "audience": "members", "registration_required": "on", "capacity": "30",
         "agenda": "1. Budgets <script>alert(1)</script>"},
    )  # fmt: skip
    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.is_draft and mail.outbox == []
    assert meeting.local_start.hour == 9
    assert "<script>" not in meeting.agenda_html

    client.post(reverse("meetings:publish", args=[meeting.pk]))

    meeting.refresh_from_db()
    assert meeting.is_published
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, member.email])


def test_the_meeting_form_shows_errors_as_alerts(client, coordinator, network):
    client.force_login(coordinator)
    response = client.post(reverse("meetings:create", args=[network.slug]), {"title": ""})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_coordinator_creates_a_half_termly_series_at_rotating_schools(
    client, coordinator, network
):
    schools = [factories.make_school(name=f"Rotation School {n}") for n in range(3)]
    for school in schools:
        factories.make_membership(person=factories.make_head(school=school), network=network)
    client.force_login(coordinator)
    year = timezone.localdate().year + 1
    response = client.post(
        reverse("meetings:series_create", args=[network.slug]),
        {"rule": "half_termly", "first_date": f"{year}-09-01", "start_time": "09:30",
         "end_time": "12:00", "interval": "1", "nth": "3", "per_year": "6",
         "skip_holidays": "on", "venues": [s.pk for s in schools], "title": "OASSH meeting",
         "kind": "network_meeting", "format": "in_person", "audience": "members",
         "registration_required": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    meetings = list(Meeting.objects.order_by("starts_at"))
    assert len(meetings) == 6
    assert [m.venue_school for m in meetings] == schools * 2
    assert {m.local_start.time() for m in meetings} == {datetime.time(9, 30)}


def test_edit_this_and_following_through_the_page(client, coordinator, network):
    client.force_login(coordinator)
    year = timezone.localdate().year + 1
    client.post(
        reverse("meetings:series_create", args=[network.slug]),
        {"rule": "monthly", "first_date": f"{year}-09-08", "until": f"{year}-12-31",
         "start_time": "16:00", "end_time": "17:00", "interval": "1", "nth": "2",
         "per_year": "6", "title": "Call", "kind": "network_call", "format": "online",
         "online_url": "https://meet.example/a", "audience": "members"},
    )  # fmt: skip
    meetings = list(Meeting.objects.order_by("starts_at"))
    second = meetings[1]
    response = client.post(
        reverse("meetings:edit", args=[second.pk]),
        {"title": "Call (moved)", "kind": "network_call",
         "starts_at": _local(second.local_start.date(), 17),
         "ends_at": _local(second.local_start.date(), 18), "format": "online",
         "online_url": "https://meet.example/b", "audience": "members", "scope": "following"},
    )  # fmt: skip
    assert response.status_code == 302
    after = list(Meeting.objects.order_by("starts_at"))
    assert [m.title for m in after] == ["Call"] + ["Call (moved)"] * (len(after) - 1)
    assert [m.local_start.hour for m in after] == [16] + [17] * (len(after) - 1)


def test_cancelling_needs_a_reason_and_tells_members_and_registered_people(
    client, coordinator, network
):
    meeting = factories.make_meeting(network=network, audience=Meeting.Audience.SIGNED_IN)
    attendee = factories.make_head()
    factories.make_registration(meeting=meeting, person=attendee)
    client.force_login(coordinator)
    url = reverse("meetings:cancel", args=[meeting.pk])
    assert 'role="alert"' in client.post(url, {"reason": ""}).content.decode()
    client.post(url, {"reason": "The venue flooded"})
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.cancel_reason == "The venue flooded"
    # The coordinator, a member, was told it was on; the attendee registered.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([attendee.email, coordinator.email])
    assert "The venue flooded" in mail.outbox[0].body


def test_duplicate_as_a_session_links_the_two(client, coordinator, network):
    meeting = factories.make_meeting(network=network, kind="briefing", title="Briefing")
    client.force_login(coordinator)
    response = client.post(reverse("meetings:duplicate", args=[meeting.pk]), {"as_session": "1"})
    copy = Meeting.objects.exclude(pk=meeting.pk).get()
    assert response["Location"] == reverse("meetings:edit", args=[copy.pk])
    meeting.refresh_from_db()
    assert copy.series_id == meeting.series_id is not None and copy.is_draft
    client.post(reverse("meetings:publish", args=[copy.pk]))
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "The same meeting in other places" in page


def test_an_urgent_meeting_is_published_and_emailed_at_once(client, coordinator, network, member):
    client.force_login(coordinator)
    soon = timezone.now().astimezone(LONDON) + datetime.timedelta(hours=2)
    client.post(
        reverse("meetings:urgent_create", args=[network.slug]),
        {"title": "WAYDAY call", "starts_at": soon.strftime("%Y-%m-%dT%H:%M"), "minutes": "30",
         "online_url": "https://meet.example/wayday"},
    )  # fmt: skip
    meeting = Meeting.objects.get()
    assert meeting.is_published and meeting.kind == "urgent"
    assert not meeting.registration_required
    assert member.email in [m.to[0] for m in mail.outbox]
    assert "https://meet.example/wayday" in mail.outbox[0].body


def test_an_urgent_meeting_is_not_for_next_month(client, coordinator, network):
    client.force_login(coordinator)
    later = timezone.now().astimezone(LONDON) + datetime.timedelta(days=30)
    response = client.post(
        reverse("meetings:urgent_create", args=[network.slug]),
        {"title": "Call", "starts_at": later.strftime("%Y-%m-%dT%H:%M"), "minutes": "30",
         "online_url": "https://meet.example/x"},
    )  # fmt: skip
    assert response.status_code == 200 and not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [("minutes.pdf", b"%PDF-1.7 hello", True), ("minutes.pdf", b"MZ\x90\x00 an exe", False),
     ("evil.exe", b"%PDF-1.7", False), ("slides.docx", b"PK\x03\x04 not really", False)],
)  # fmt: skip
def test_papers_are_checked_by_content(client, coordinator, network, name, content, ok):
    meeting = factories.make_meeting(network=network)
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:paper_upload", args=[meeting.pk]),
        {"kind": "minutes", "title": "", "visibility": "members",
         "file": SimpleUploadedFile(name, content)},
    )  # fmt: skip
    assert Paper.objects.exists() == ok
    if not ok:
        assert (
            'role="alert"' in response.content.decode() or "is not a" in response.content.decode()
        )


def test_a_real_word_document_is_accepted(client, coordinator, network):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    meeting = factories.make_meeting(network=network)
    client.force_login(coordinator)
    client.post(
        reverse("meetings:paper_upload", args=[meeting.pk]),
        {"kind": "agenda", "visibility": "members",
         "file": SimpleUploadedFile("agenda.docx", buffer.getvalue())},
    )  # fmt: skip
    assert Paper.objects.get().content_type.endswith("wordprocessingml.document")


def test_past_meetings_show_their_minutes_to_members(client, network, member):
    past = factories.make_meeting(
        network=network,
        title="Autumn meeting",
        starts_at=timezone.now() - datetime.timedelta(days=30),
    )
    services.add_paper(
        meeting=past, by=None, kind="minutes",
        upload=SimpleUploadedFile("m.pdf", b"%PDF-1.4"),
    )  # fmt: skip
    client.force_login(member)
    page = client.get(reverse("meetings:network_schedule", args=[network.slug])).content.decode()
    assert "Autumn meeting" in page and "Minutes" in page


def test_the_list_filters_by_network_kind_format_and_dates(client, network, other_network):
    public = {"audience": Meeting.Audience.PUBLIC}
    soon = timezone.now() + datetime.timedelta(days=3)
    factories.make_meeting(
        network=network, title="Alpha call", kind="network_call", format="online",
        online_url="https://x.example", starts_at=soon, **public,
    )  # fmt: skip
    factories.make_meeting(network=other_network, title="Beta conference", kind="conference",
                           starts_at=soon + datetime.timedelta(days=60), **public)  # fmt: skip
    factories.make_meeting(network=network, title="Gamma members meeting")
    url = reverse("meetings:list")

    def titles(**query):
        page = client.get(url, query).content.decode()
        return {t for t in ("Alpha call", "Beta conference", "Gamma members meeting") if t in page}

    assert titles() == {"Alpha call", "Beta conference"}
    assert titles(network=network.slug) == {"Alpha call"}
    assert titles(kind="conference") == {"Beta conference"}
    assert titles(format="online") == {"Alpha call"}
    later = (soon + datetime.timedelta(days=30)).date().isoformat()
    assert titles(**{"from": later}) == {"Beta conference"}
    assert titles(to=later) == {"Alpha call"}
    assert titles(area="931") == {"Alpha call", "Beta conference"}


def test_the_month_view_works_without_javascript(client, network):
    day = timezone.localdate().replace(day=15) + datetime.timedelta(days=40)
    starts = datetime.datetime.combine(day, datetime.time(10), tzinfo=LONDON)
    factories.make_meeting(network=network, title="Month meeting", starts_at=starts,
                           audience=Meeting.Audience.PUBLIC)  # fmt: skip
    page = client.get(reverse("meetings:list"), {"view": "month", "month": f"{day:%Y-%m}"})
    html = page.content.decode()
    assert "<caption>" in html and "Month meeting" in html
    assert "10:00 Month meeting" in html
    other = client.get(reverse("meetings:list"), {"view": "month", "month": "bad"})
    # This month instead, saying why: a 400, so no cache keeps the page for the bad address.
    assert other.status_code == 400 and "<caption>" in other.content.decode()


def test_the_network_page_shows_the_next_meetings(client, network):
    factories.make_meeting(network=network, title="Next public meeting",
                           audience=Meeting.Audience.PUBLIC)  # fmt: skip
    page = client.get(network.get_absolute_url()).content.decode()
    assert "Next meetings" in page and "Next public meeting" in page
