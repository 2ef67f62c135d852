"""A head's CPD record: every meeting they are on the register of, in every network, by
academic year with its hours, a certificate for each; as a page, a CSV and a PDF; their
own only; in a fixed number of queries however many meetings it holds."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import LONDON
from tests import factories
from tests.attendance.pdf_text import document_text

pytestmark = pytest.mark.django_db


def _at(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, tzinfo=LONDON)


@pytest.fixture
def record(member, network, other_network):
    """Three meetings in 2025/26 (two networks), one in 2024/25; another person's too."""
    rows = [
        (network, "Summer conference", _at(2026, 6, 30), 300),
        (network, "Spring meeting", _at(2026, 3, 3), 90),
        (other_network, "Briefing on SEND", _at(2025, 9, 1, 16), 60),
        (network, "Last year's meeting", _at(2025, 8, 31), 120),
    ]
    meetings = {}
    for where, title, starts_at, minutes in rows:
        meeting = factories.make_meeting(
            network=where, title=title, starts_at=starts_at, minutes=minutes
        )
        factories.make_attendance(meeting=meeting, person=member)
        meetings[title] = meeting
    someone_else = factories.make_head(email="someone.else@school.example")
    factories.make_attendance(
        meeting=factories.make_past_meeting(network=network, title="Not theirs"),
        person=someone_else,
    )
    return meetings


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_record_groups_meetings_by_academic_year_with_their_hours(client, member, record):
    client.force_login(member)

    response = client.get(reverse("attendance:cpd"))

    text = _text(response)
    assert "4 meetings, 9.5 hours in all." in text
    assert "2025/26: 7.5 hours" in text
    assert "2024/25: 2 hours" in text
    assert text.index("2025/26: 7.5 hours") < text.index("2024/25: 2 hours")
    assert text.index("Briefing on SEND") < text.index("Spring meeting")
    assert "Somewhere Else Heads" in text  # the other network's meeting
    assert "Not theirs" not in text
    for meeting in record.values():
        assert reverse("attendance:certificate", args=[meeting.pk]) in text


def test_a_meeting_not_yet_over_has_no_certificate_link_yet(client, member, network):
    later = factories.make_meeting(network=network, title="Next week")
    factories.make_attendance(meeting=later, person=member)
    client.force_login(member)

    text = _text(client.get(reverse("attendance:cpd")))

    assert "Next week" in text
    assert reverse("attendance:certificate", args=[later.pk]) not in text
    assert "After the meeting" in text


def test_an_empty_record_says_so(client, head):
    client.force_login(head)

    assert "You are not on the register of any meeting yet." in _text(
        client.get(reverse("attendance:cpd"))
    )


def test_the_csv_has_a_row_per_meeting_oldest_first(client, member, record):
    client.force_login(member)

    response = client.get(reverse("attendance:cpd_csv"))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows == [
        ["Academic year", "Date", "Meeting", "Network", "Place", "Hours", "Recorded"],
        ["2024/25", "2025-08-31", "Last year's meeting", "Oxfordshire Primary Heads",
         "County Hall, Oxford", "2", "Marked on the register"],
        ["2025/26", "2025-09-01", "Briefing on SEND", "Somewhere Else Heads",
         "County Hall, Oxford", "1", "Marked on the register"],
        ["2025/26", "2026-03-03", "Spring meeting", "Oxfordshire Primary Heads",
         "County Hall, Oxford", "1.5", "Marked on the register"],
        ["2025/26", "2026-06-30", "Summer conference", "Oxfordshire Primary Heads",
         "County Hall, Oxford", "5", "Marked on the register"],
    ]  # fmt: skip


def test_the_pdf_lists_the_years_meetings_and_hours(client, member, record, caplog):
    from attendance import pdf, records

    document = pdf.record_document(records.cpd_record(member))
    text = document_text(document)

    for expected in [
        member.get_full_name(), "2025/26: 7.5 hours", "2024/25: 2 hours", "Summer conference",
        "Somewhere Else Heads", "In all: 4 meetings, 9.5 hours.",
    ]:  # fmt: skip
        assert expected in text, expected
    assert "Not theirs" not in text
    assert [
        logged.message for logged in caplog.records if logged.name.startswith("weasyprint")
    ] == []
    client.force_login(member)
    response = client.get(reverse("attendance:cpd_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("name", ["attendance:cpd", "attendance:cpd_csv", "attendance:cpd_pdf"])
def test_a_visitor_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_my_page_and_my_data_link_to_the_record(client, member):
    client.force_login(member)

    assert reverse("attendance:cpd") in client.get(reverse("me")).content.decode()
    my_data = client.get(reverse("portal:my_data")).content.decode()
    for name in ["attendance:cpd", "attendance:cpd_csv", "attendance:cpd_pdf"]:
        assert reverse(name) in my_data


def _attend(person, networks, count):
    for number in range(count):
        meeting = factories.make_past_meeting(
            network=networks[number % len(networks)], days_ago=10 + number * 40,
            venue_school=factories.make_school(), venue_address="",
        )  # fmt: skip
        factories.make_attendance(meeting=meeting, person=person)


def _queries(client, url, streamed=False):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if streamed:
            b"".join(response.streaming_content)
    return len(captured)


@pytest.mark.parametrize(
    ("name", "streamed"), [("attendance:cpd", False), ("attendance:cpd_csv", True)]
)
def test_the_record_s_queries_do_not_grow_with_the_meetings(
    client, member, network, other_network, name, streamed
):
    client.force_login(member)
    url = reverse(name)
    _attend(member, [network, other_network], 3)
    few = _queries(client, url, streamed)
    _attend(member, [network, other_network], 27)
    many = _queries(client, url, streamed)

    assert few == many <= 4, many


def test_the_pdf_s_queries_do_not_grow_with_the_meetings(client, member, network):
    client.force_login(member)
    url = reverse("attendance:cpd_pdf")
    _attend(member, [network], 3)
    few = _queries(client, url)
    _attend(member, [network], 27)

    assert _queries(client, url) == few
