"""seed_demo's registers: the Oldham Schools Alliance's partnership meetings held this year,
with schools not seen at the top of its participation report, and the demo heads'
meetings across their networks."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from attendance.models import Attendance
from attendance.participation import participation
from core.models import AuditEvent
from meetings.models import Meeting, Registration
from networks.models import Membership, Network
from tests.made_once import made_once

pytestmark = pytest.mark.django_db

# A day in the autumn term: three partnership meetings have been held since 1 September.
AUTUMN = datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC)


def _seed():
    call_command("seed_demo", force=True, stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo_made_once(django_db_setup, django_db_blocker):
    """Seeded in the autumn term, once for the module (tests/made_once.py); each test
    runs from that moment on (tests/devdata/conftest.py's demo_seeded)."""
    with made_once(django_db_blocker, "demo_made_once", _seed, at=AUTUMN) as made:
        yield made


@pytest.fixture
def seeded(demo_seeded):
    """The demo seeded in the autumn term (demo_made_once above), for this test."""


def test_the_alliance_s_report_puts_the_schools_not_seen_first(seeded, client):
    alliance = Network.objects.get(slug="oldham-schools-alliance")
    report = participation(alliance)

    partnership = [column for column in report.columns if column.title.startswith("Partnership")]
    assert len(partnership) == 3
    assert len(report.not_seen) == 2
    assert report.rows[:2] == report.not_seen
    seats = Membership.objects.active().filter(network=alliance, school__isnull=False).count()
    assert len(report.rows) == seats
    assert len(report.rows) - 2 > 2  # more were seen than not
    # The demo head came to every partnership meeting and to their workhub's.
    head_school = Membership.objects.get(
        network=alliance, person__email="oldham.head@example.org", status="active"
    ).school
    by_school = {row.school_id: row for row in report.rows}
    send_held = [column for column in report.columns if column.title.startswith("SEND")]
    assert send_held  # the SEND workhub, which the demo head leads, has met
    assert by_school[head_school.pk].total == 3 + len(send_held)
    # Every meeting held had some of the schools, and never all of them.
    assert all(0 < total < len(report.rows) for total in report.totals)

    client.force_login(Membership.objects.get(network=alliance, role="administrator").person)
    page = " ".join(client.get(reverse("attendance:participation", args=[alliance.slug]))
                    .content.decode().split())  # fmt: skip
    assert "2 schools not seen this year" in page
    first, second = report.not_seen
    assert page.index(first.name) < page.index(second.name) < page.index(head_school.name)
    assert page.index("Not seen this year") < page.index(head_school.name)


def test_each_partnership_meeting_had_places_and_some_who_did_not_come(seeded):
    for meeting in Meeting.objects.filter(title__startswith="Partnership meeting"):
        going = Registration.objects.filter(meeting=meeting, status="going").count()
        came = meeting.attendances.count()
        assert 0 < came < going
        assert set(meeting.attendances.values_list("how", flat=True)) == {"marked"}
        assert not meeting.attendances.filter(school__isnull=True).exists()


def test_the_demo_heads_came_to_meetings_in_their_networks(seeded):
    def networks_of(email):
        return set(
            Attendance.objects.filter(person__email=email).values_list(
                "meeting__network__slug", flat=True
            )
        )

    assert networks_of("primary.head@example.org") == {
        "oxfordshire-primary-heads", "educational-briefings",
    }  # fmt: skip
    assert networks_of("secondary.head@example.org") == {"osshta", "educational-briefings"}
    assert networks_of("oldham.head@example.org") == {"oldham-schools-alliance"}
    for row in Attendance.objects.filter(person__email="primary.head@example.org"):
        assert row.school == row.person.current_post.school
        assert row.meeting.ends_at < AUTUMN
    # One session of a briefing given in several: the place they came to is what counts.
    briefings = Attendance.objects.filter(
        person__email="primary.head@example.org", meeting__series__rule="sessions"
    ).values_list("meeting__series", flat=True)
    assert len(briefings) == len(set(briefings)) >= 1


def test_every_register_was_kept_through_the_services(seeded):
    # Each mark is on the record, as the alliance's administrator's, dated to the meeting.
    marked = AuditEvent.objects.filter(action="attendance.present")
    assert marked.count() == Attendance.objects.count()
    administrator = Membership.objects.get(
        network__slug="oldham-schools-alliance", role="administrator"
    ).person
    assert set(marked.values_list("actor", flat=True)) == {administrator.pk}
    for row in Attendance.objects.select_related("meeting"):
        assert (row.recorded_by, row.recorded_at) == (administrator, row.meeting.ends_at)


def test_seeding_again_changes_no_register():
    with time_machine.travel(AUTUMN, tick=True):
        _seed()
        counts = (Meeting.objects.count(), Registration.objects.count(), Attendance.objects.count())
        _seed()
    assert (
        Meeting.objects.count(), Registration.objects.count(), Attendance.objects.count()
    ) == counts  # fmt: skip
