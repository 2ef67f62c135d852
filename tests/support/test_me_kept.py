"""/me/ is kept for its person (portal.mine): mentoring and coaching's writes show on it at
once, to the people they concern and to nobody else."""

import pytest
from django.urls import reverse

from support import coaching
from support.models import Coach
from tests import factories

pytestmark = pytest.mark.django_db


def _me(client, person) -> str:
    client.force_login(person)
    response = client.get(reverse("me"))
    assert response.status_code == 200
    return response.content.decode()


def _ask(heads_up, requester):
    return coaching.ask_for_support(
        network=heads_up, requester=requester, help="treatment", contact_by="phone",
        contact_details="07700 900123", note="My chair undermines me",
    )  # fmt: skip


def test_a_request_shows_to_its_requester_and_the_pool_not_to_others(
    client, heads_up, coach, requester, member
):
    for person in (coach, requester, member):
        _me(client, person)
        _me(client, person)  # kept

    _ask(heads_up, requester)

    assert "1 request waiting in the pool" in _me(client, coach)
    assert "Your request to Heads Up" in _me(client, requester)
    page = _me(client, member)
    assert "waiting in the pool" not in page and "Your request to" not in page


def test_a_request_taken_shows_to_its_coach(client, heads_up, coach, requester):
    support_request = _ask(heads_up, requester)
    assert "0 requests you hold" in _me(client, coach)

    coaching.take_request(support_request=support_request, coach=coach)

    assert "1 request you hold" in _me(client, coach)


def test_requests_a_removed_coach_held_wait_for_the_pool_again(
    client, heads_up, coach, other_coach, requester, network
):
    support_request = _ask(heads_up, requester)
    coaching.take_request(support_request=support_request, coach=coach)
    assert "0 requests waiting in the pool" in _me(client, other_coach)

    admin = factories.make_user(email="heads.up.admin@school.example")
    factories.make_membership(person=admin, network=heads_up, role="administrator")
    coaching.remove_coach(coach=Coach.objects.get(network=heads_up, person=coach), by=admin)

    assert "1 request waiting in the pool" in _me(client, other_coach)


def test_a_new_coach_sees_the_pool_on_their_page(client, heads_up, requester, member):
    assert "Coaching for Heads Up" not in _me(client, member)

    Coach.objects.create(network=heads_up, person=member)

    assert "Coaching for Heads Up" in _me(client, member)
