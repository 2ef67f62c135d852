"""Many registrations for the last places at once, on PostgreSQL where they truly race."""

from meetings import services
from meetings.models import Registration
from tests import factories
from tests.concurrency import POSTGRES_ONLY, at_the_same_moment

pytestmark = POSTGRES_ONLY


def test_twenty_four_heads_racing_for_the_last_three_places_never_overfill(network):
    meeting = factories.make_meeting(network=network, capacity=10)
    for _ in range(7):
        factories.make_registration(meeting=meeting, person=factories.make_head())
    people = [factories.make_head() for _ in range(24)]

    results, errors = at_the_same_moment(
        [lambda person=person: services.register(meeting=meeting, person=person)
         for person in people]
    )  # fmt: skip

    assert errors == []
    assert len(results) == 24
    assert meeting.registrations.filter(status=Registration.Status.GOING).count() == 10
    assert meeting.registrations.filter(status=Registration.Status.WAITING).count() == 21


def test_one_head_double_clicking_twenty_times_gets_one_place(network, member):
    meeting = factories.make_meeting(network=network, capacity=5)

    results, errors = at_the_same_moment(
        [lambda: services.register(meeting=meeting, person=member) for _ in range(20)]
    )

    assert errors == []
    assert len({registration.pk for registration in results}) == 1
    assert meeting.registrations.count() == 1
