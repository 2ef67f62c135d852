"""Certificates of attendance: a PDF, made by WeasyPrint from our own template, naming the
person, the meeting, its network, date, place and hours; for the person on the register
only (a 404 to everyone else, the network's coordinators and site staff too)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import pdf, records
from meetings.models import LONDON, Meeting, MeetingSeries
from tests import factories
from tests.attendance.pdf_text import document_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(network):
    starts_at = datetime.datetime(2026, 11, 12, 9, 30, tzinfo=LONDON)
    return factories.make_meeting(
        network=network, title="Leading through inspection", starts_at=starts_at, minutes=150
    )


@pytest.fixture
def attended(member, meeting):
    return factories.make_attendance(meeting=meeting, person=member)


def _url(meeting):
    return reverse("attendance:certificate", args=[meeting.pk])


def _at(hour, minute=0):
    return datetime.datetime(2026, 11, 12, hour, minute, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [
        (60, "1"),
        (90, "1.5"),
        (100, "1.75"),  # 6.67 quarters: to the nearest, 7
        (97, "1.5"),  # 6.47 quarters: 6
        (7, "0"),
        (8, "0.25"),
        (600, "10"),
    ],
)
def test_hours_are_the_length_to_the_nearest_quarter_hour(minutes, hours):
    ends_at = _at(9) + datetime.timedelta(minutes=minutes)

    assert records.cpd_hours(_at(9), ends_at) == Decimal(hours)
    assert records.hours_figure(records.cpd_hours(_at(9), ends_at)) == hours


def test_seven_and_a_half_minutes_round_up():
    assert records.cpd_hours(_at(9), _at(9, 7) + datetime.timedelta(seconds=30)) == Decimal("0.25")


def test_hours_read_as_words():
    assert records.hours_text(Decimal(1)) == "1 hour"
    assert records.hours_text(Decimal("2.5")) == "2.5 hours"
    assert records.hours_text(Decimal(10)) == "10 hours"


def test_the_certificate_names_the_person_meeting_network_date_place_and_hours(
    member, attended, meeting, caplog
):
    document = pdf.certificate_document(records.get_own_attendance(member, meeting.pk))
    text = document_text(document)

    for expected in [
        "Certificate of attendance", member.get_full_name(), "Leading through inspection",
        "Oxfordshire Primary Heads", "Thursday 12 November 2026", "09:30 to 12:00",
        "County Hall, Oxford", "2.5 hours",
    ]:  # fmt: skip
        assert expected in text, expected
    assert len(document.pages) == 1
    assert document.metadata.title == "Certificate of attendance"
    # Laid out as written: WeasyPrint warns of any style it cannot follow.
    assert [
        logged.message for logged in caplog.records if logged.name.startswith("weasyprint")
    ] == []


def test_an_online_meeting_s_certificate_says_online(member, network):
    online = factories.make_past_meeting(
        network=network, format=Meeting.Format.ONLINE, online_url="https://meet.example/x",
        venue_address="",
    )  # fmt: skip
    factories.make_attendance(meeting=online, person=member)

    text = document_text(pdf.certificate_document(records.get_own_attendance(member, online.pk)))

    assert "Online" in text


def test_a_briefing_s_certificate_names_the_place_they_came_to(member, network):
    briefing = MeetingSeries.objects.create(network=network, rule=MeetingSeries.Rule.SESSIONS)
    factories.make_past_meeting(network=network, series=briefing, venue_address="Oxford")
    banbury = factories.make_past_meeting(
        network=network, series=briefing, venue_address="Banbury Town Hall"
    )
    factories.make_attendance(meeting=banbury, person=member)

    text = document_text(pdf.certificate_document(records.get_own_attendance(member, banbury.pk)))

    assert "Banbury Town Hall" in text


def test_the_attendee_downloads_a_real_pdf(client, member, attended, meeting):
    client.force_login(member)

    response = client.get(_url(meeting))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="certificate-of-attendance-2026-11-12.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    "persona", ["head", "coordinator", "administrator", "outsider_coordinator", "staff"]
)
def test_nobody_else_gets_the_certificate(client, request, persona, attended, meeting):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_url(meeting)).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, attended, meeting):
    response = client.get(_url(meeting))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_there_is_no_certificate_before_the_meeting_ends(client, member, network):
    now = timezone.now()
    going_on = factories.make_meeting(
        network=network, starts_at=now - datetime.timedelta(minutes=30), minutes=90
    )
    factories.make_attendance(meeting=going_on, person=member, how="code")
    client.force_login(member)

    assert client.get(_url(going_on)).status_code == 404
    page = client.get(reverse("meetings:detail", args=[going_on.pk])).content.decode()
    assert "Your certificate of attendance will be here when the meeting ends." in page
    assert _url(going_on) not in page


def test_the_meeting_page_offers_the_certificate_to_the_attendee_only(
    client, member, coordinator, attended, meeting
):
    client.force_login(member)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Download your certificate of attendance" in page
    assert _url(meeting) in page
    assert "Tell the coordinator" not in page

    client.force_login(coordinator)
    theirs = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Download your certificate of attendance" not in theirs
    assert "Not on the register? Tell the coordinator" in theirs
