"""A marker's tap and the person's own check-in at the same moment, on PostgreSQL where
they truly race: one row, one audit event; and one code per meeting."""

from django.utils import timezone

from attendance import services
from attendance.models import Attendance, CheckInCode
from core.models import AuditEvent
from tests import factories
from tests.concurrency import POSTGRES_ONLY, at_the_same_moment

pytestmark = POSTGRES_ONLY


def test_a_tap_and_a_scan_at_once_record_the_person_once(network, member, coordinator):
    meeting = factories.make_meeting_now(network=network)
    code = services.code_for(meeting).code
    works = [
        lambda: services.mark_present(meeting=meeting, person=member, by=coordinator),
        lambda: services.check_in(person=member, code=code, at=timezone.now()),
    ] * 4

    results, errors = at_the_same_moment(works)

    assert errors == []
    assert len(results) == 8
    assert Attendance.objects.count() == 1
    assert AuditEvent.objects.filter(action="attendance.present").count() == 1


def test_a_meeting_s_code_asked_for_at_once_is_made_once(network):
    meeting = factories.make_meeting(network=network)

    results, errors = at_the_same_moment([lambda: services.code_for(meeting)] * 6)

    assert errors == []
    assert len({code.code for code in results}) == 1
    assert CheckInCode.objects.count() == 1
