"""Workhubs: a network's working groups for a year, with leads, joined by its members."""

import pytest
from django.urls import reverse

from core.dates import academic_year_of
from networks import services
from networks.models import WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def workhub(network, coordinator):
    workhub = factories.make_workhub(
        network=network, name="Safeguarding and Wellbeing", academic_year=academic_year_of()
    )
    WorkhubMembership.objects.create(workhub=workhub, person=coordinator, is_lead=True)
    return workhub


def _join_url(workhub):
    return reverse("networks:workhub_join", args=[workhub.network.slug, workhub.slug])


def test_the_workhub_page_shows_its_leads_to_everyone(client, workhub, coordinator):
    response = client.get(workhub.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Safeguarding and Wellbeing" in html
    assert coordinator.get_full_name() in html
    assert "Join this workhub" not in html


def test_the_network_page_lists_this_years_workhubs(client, workhub):
    html = client.get(workhub.network.get_absolute_url()).content.decode()

    assert workhub.get_absolute_url() in html


def test_a_network_member_joins_a_workhub(client, workhub, member):
    client.force_login(member)
    assert "Join this workhub" in client.get(workhub.get_absolute_url()).content.decode()

    response = client.post(_join_url(workhub), follow=True)

    assert WorkhubMembership.objects.filter(workhub=workhub, person=member).exists()
    assert "You are in this workhub" in response.content.decode()


def test_someone_outside_the_network_cannot_join_its_workhub(
    client, workhub, head, outsider_member
):
    for person in (head, outsider_member):
        client.force_login(person)

        assert client.post(_join_url(workhub)).status_code == 403

    assert not WorkhubMembership.objects.filter(workhub=workhub, is_lead=False).exists()


def test_a_visitor_is_asked_to_sign_in_to_join_a_workhub(client, workhub):
    response = client.post(_join_url(workhub))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_workhub_of_another_network_is_not_found_under_this_one(
    client, network, other_network, member
):
    theirs = factories.make_workhub(network=other_network, name="Their workhub")
    client.force_login(member)

    assert client.get(f"/networks/{network.slug}/workhubs/{theirs.slug}/").status_code == 404
    assert client.post(f"/networks/{network.slug}/workhubs/{theirs.slug}/join/").status_code == (
        404
    )
    assert not WorkhubMembership.objects.exists()


def test_a_lead_stays_when_asking_to_leave_but_a_member_goes(client, workhub, coordinator, member):
    services.join_workhub(person=member, workhub=workhub)
    leave_url = reverse("networks:workhub_leave", args=[workhub.network.slug, workhub.slug])

    for person in (coordinator, member):
        client.force_login(person)
        client.post(leave_url)

    assert list(workhub.people.all()) == [coordinator]
