"""Many registrations for the last places at once, on PostgreSQL where they truly race."""

import threading

import pytest
from django.db import connection

from meetings import services
from meetings.models import Registration
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers, so registrations cannot race; run with DATABASE_URL "
        "pointing at PostgreSQL",
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


def test_twenty_four_heads_racing_for_the_last_three_places_never_overfill(network):
    meeting = factories.make_meeting(network=network, capacity=10)
    for _ in range(7):
        factories.make_registration(meeting=meeting, person=factories.make_head())
    people = [factories.make_head() for _ in range(24)]

    results, errors = _at_the_same_moment(
        [lambda person=person: services.register(meeting=meeting, person=person)
         for person in people]
    )  # fmt: skip

    assert errors == []
    assert len(results) == 24
    assert meeting.registrations.filter(status=Registration.Status.GOING).count() == 10
    assert meeting.registrations.filter(status=Registration.Status.WAITING).count() == 21


def test_one_head_double_clicking_twenty_times_gets_one_place(network, member):
    meeting = factories.make_meeting(network=network, capacity=5)

    results, errors = _at_the_same_moment(
        [lambda: services.register(meeting=meeting, person=member) for _ in range(20)]
    )

    assert errors == []
    assert len({registration.pk for registration in results}) == 1
    assert meeting.registrations.count() == 1
