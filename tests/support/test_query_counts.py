"""Support pages whose lists grow use a fixed number of queries however long they get.

(The coach's queue, the broker's pages and one's own mentoring have theirs beside the
tests of those pages.)
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from support import coaching
from support.models import CheckIn, CheckInReply, Pairing
from tests import factories
from tests.support.conftest import make_special_head

pytestmark = pytest.mark.django_db

# Pinned. A request (the coach holding it): the viewer, the network and whether it has
# coaches, the request, the coach pool check, the opening recorded, the notes with their
# authors. For its requester: the first four, then the coaches' openings.
REQUEST_MAX_QUERIES = {"coach": 7, "requester": 5}
# A pairing (a broker): the viewer, the pairing, the broker check, the two people's posts
# (where each is head), check-ins, answers.
PAIRING_MAX_QUERIES = 6
# Site staff's list of pairings: the viewer, the count and the page with the schemes.
AUDIT_LIST_MAX_QUERIES = 3


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("viewer", ["coach", "requester"])
def test_a_support_request_does_not_grow_with_its_notes_or_openings(
    client, heads_up, coach, requester, viewer, request, django_assert_max_num_queries
):
    item = coaching.ask_for_support(
        network=heads_up, requester=requester, help="talk", contact_by="email"
    )
    coaching.take_request(support_request=item, coach=coach)
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("support:request", args=[heads_up.slug, item.pk])

    def add(count):
        for number in range(count):
            coaching.add_note(support_request=item, author=coach, text=f"Note {number}")
            coaching.record_opening(support_request=item, by=coach)

    add(2)
    client.get(url)  # the first visit's work: the network, kept after it
    few = _queries(client, url)

    add(20)

    with django_assert_max_num_queries(REQUEST_MAX_QUERIES[viewer]):
        many = _queries(client, url)
    assert many == few


def test_a_pairing_does_not_grow_with_its_check_ins_and_answers(
    client, scheme, broker, django_assert_max_num_queries
):
    mentor = make_special_head("mentor@school.example")
    mentee = make_special_head("mentee@school.example", years_ago=0.3)
    pairing = Pairing.objects.create(scheme=scheme, mentor=mentor, mentee=mentee, state="active")
    client.force_login(broker)
    url = reverse("support:pairing", args=[pairing.pk])

    def add(months):
        for month in months:
            check_in = CheckIn.objects.create(pairing=pairing, months=month)
            for person in (mentor, mentee):
                CheckInReply.objects.create(check_in=check_in, person=person, answer="going_well")

    add([3, 6])
    few = _queries(client, url)

    add(range(9, 40, 3))

    with django_assert_max_num_queries(PAIRING_MAX_QUERIES):
        many = _queries(client, url)
    assert many == few


def test_the_pairings_audit_list_does_not_grow_with_the_pairings(
    client, scheme, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    url = reverse("support:audit")

    def add(count):
        for _ in range(count):
            Pairing.objects.create(
                scheme=scheme, mentor=factories.make_head(), mentee=factories.make_head()
            )

    add(2)
    few = _queries(client, url)

    add(20)

    with django_assert_max_num_queries(AUDIT_LIST_MAX_QUERIES):
        many = _queries(client, url)
    assert many == few
