"""A person's attendance is theirs: it is in their data download, and closing their account
deletes it, leaving only an anonymous count per school and meeting (so a network's
participation report keeps its numbers without keeping them)."""

import pytest

from attendance import corrections
from attendance.models import Attendance, Correction, SchoolCount
from portal import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(network):
    return factories.make_past_meeting(network=network, title="Autumn network meeting")


def test_the_download_has_their_attendance_and_the_corrections_they_asked(
    member, coordinator, meeting, network
):
    factories.make_attendance(meeting=meeting, person=member)
    other = factories.make_past_meeting(network=network, title="Spring network meeting")
    asked = corrections.ask_correction(meeting=other, person=member, note="I was at the back")
    corrections.decline_correction(correction=asked, by=coordinator, reason="Not on the sheet")
    factories.make_attendance(meeting=other, person=coordinator)  # someone else's

    data = services.personal_data(member)

    [attended] = data["attendance"]
    assert attended["meeting"] == "Autumn network meeting"
    assert attended["network"] == network.name
    assert attended["school"] == member.posts.get().school.name
    assert attended["how"] == "Marked on the register"
    [correction] = data["attendance_corrections"]
    assert correction["meeting"] == "Spring network meeting"
    assert correction["note"] == "I was at the back"
    assert correction["state"] == "Declined"
    assert correction["decline_reason"] == "Not on the sheet"


def test_closing_an_account_deletes_their_rows_and_keeps_a_count_per_school(
    member, coordinator, meeting, network
):
    school = member.posts.get().school
    colleague = factories.make_head(school=school, email="deputy@school.example")
    factories.make_attendance(meeting=meeting, person=member, recorded_by=coordinator)
    factories.make_attendance(meeting=meeting, person=colleague)
    earlier = factories.make_past_meeting(network=network, days_ago=30)
    factories.make_attendance(meeting=earlier, person=member)
    corrections.ask_correction(
        meeting=factories.make_past_meeting(network=network), person=member, note="There"
    )
    SchoolCount.objects.create(meeting=meeting, school=school, count=2)  # already folded in
    # Rows the coordinator recorded or decided stay, without them.
    asked = corrections.ask_correction(
        meeting=earlier, person=colleague, note="I came too"
    )  # fmt: skip
    corrections.confirm_correction(correction=asked, by=coordinator)

    services.close_account(person=member)
    services.close_account(person=coordinator)

    assert not Attendance.objects.filter(person_id=member.pk).exists()
    assert not Correction.objects.filter(person_id=member.pk).exists()
    counts = {(row.meeting_id, row.school_id): row.count for row in SchoolCount.objects.all()}
    assert counts == {(meeting.pk, school.pk): 3, (earlier.pk, school.pk): 1}
    kept = Attendance.objects.get(person=colleague, meeting=earlier)
    assert kept.recorded_by is None
    assert Correction.objects.get(person=colleague).decided_by is None
    assert Attendance.objects.filter(person=colleague).count() == 2


def test_attendance_for_no_school_leaves_no_count(meeting):
    person = factories.make_user(email="no.post@school.example")
    factories.make_attendance(meeting=meeting, person=person)

    services.close_account(person=person)

    assert not Attendance.objects.exists()
    assert not SchoolCount.objects.exists()
