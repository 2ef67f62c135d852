"""A marker's tap and the person's own check-in at the same moment, on PostgreSQL where
they truly race: one row, one audit event; and one code per meeting."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from attendance import services
from attendance.models import Attendance, CheckInCode
from core.models import AuditEvent
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers, so nothing races; run with DATABASE_URL pointing "
        "at PostgreSQL",
    ),
]


def _at_the_same_moment(works):
    barrier = threading.Barrier(len(works))
    results, errors = [], []

    def run(work):
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as error:  # the test reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_a_tap_and_a_scan_at_once_record_the_person_once(network, member, coordinator):
    meeting = factories.make_meeting_now(network=network)
    code = services.code_for(meeting).code
    works = [
        lambda: services.mark_present(meeting=meeting, person=member, by=coordinator),
        lambda: services.check_in(person=member, code=code, at=timezone.now()),
    ] * 4

    results, errors = _at_the_same_moment(works)

    assert errors == []
    assert len(results) == 8
    assert Attendance.objects.count() == 1
    assert AuditEvent.objects.filter(action="attendance.present").count() == 1


def test_a_meeting_s_code_asked_for_at_once_is_made_once(network):
    meeting = factories.make_meeting(network=network)

    results, errors = _at_the_same_moment([lambda: services.code_for(meeting)] * 6)

    assert errors == []
    assert len({code.code for code in results}) == 1
    assert CheckInCode.objects.count() == 1
