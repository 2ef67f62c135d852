"""The register and the meeting page's panel ask a fixed number of queries, however many
people are going or came."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from networks.models import WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db

# The session and user, the meeting, the viewer's membership and place, the attendances,
# the going list with their schools (and the walk-in search when asked).
REGISTER_MAX_QUERIES = 8


def _queries(client, url, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(captured)


def _fill(network, meeting, count):
    for number in range(count):
        person = factories.make_head(last_name=f"Going{number}")
        factories.make_membership(person=person, network=network)
        factories.make_registration(meeting=meeting, person=person)
        if number % 2:
            factories.make_attendance(
                meeting=meeting, person=person, school=factories.make_school()
            )
        walk_in = factories.make_head(last_name=f"Walker{number}")
        factories.make_membership(person=walk_in, network=network)
        factories.make_attendance(meeting=meeting, person=walk_in, how="walk_in")


def test_the_register_does_not_grow_with_the_going_list(
    client, network, coordinator, django_assert_max_num_queries
):
    meeting = factories.make_meeting_now(network=network)
    client.force_login(coordinator)
    url = reverse("attendance:register", args=[meeting.pk])

    _fill(network, meeting, 3)
    few = _queries(client, url, {"q": "Person"})
    _fill(network, meeting, 27)

    with django_assert_max_num_queries(REGISTER_MAX_QUERIES):
        many = _queries(client, url, {"q": "Person"})
    assert many == few


def test_a_workhub_lead_s_register_costs_one_query_more(
    client, network, member, django_assert_max_num_queries
):
    workhub = factories.make_workhub(network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=member, is_lead=True)
    meeting = factories.make_meeting_now(network=network, workhub=workhub)
    client.force_login(member)
    _fill(network, meeting, 30)

    with django_assert_max_num_queries(REGISTER_MAX_QUERIES + 1):
        _queries(client, reverse("attendance:register", args=[meeting.pk]))


def test_the_meeting_page_s_panel_does_not_grow_with_who_came(client, network, member):
    meeting = factories.make_meeting_now(network=network)
    factories.make_attendance(meeting=meeting, person=member)
    client.force_login(member)
    url = meeting.get_absolute_url()

    _fill(network, meeting, 3)
    few = _queries(client, url)
    _fill(network, meeting, 27)

    assert _queries(client, url) == few
