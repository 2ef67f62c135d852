"""Coordinators' addresses appear on no page; members' only as each person chooses."""

import pytest
from django.urls import reverse

from networks import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def workhub(network, coordinator, administrator):
    workhub = factories.make_workhub(network=network)
    services.join_workhub(person=coordinator, workhub=workhub)
    workhub.memberships.update(is_lead=True)
    services.join_workhub(person=administrator, workhub=workhub)
    return workhub


@pytest.mark.parametrize("viewer", ["visitor", "member"])
def test_no_page_shows_a_coordinators_or_administrators_email_address(
    client, network, coordinator, administrator, workhub, viewer, request
):
    # Even people who share their address with members are not listed by it here.
    for person in (coordinator, administrator):
        person.show_email_to_members = True
        person.save()
    if viewer == "member":
        client.force_login(request.getfixturevalue("member"))
    pages = [
        network.get_absolute_url(),
        reverse("networks:directory"),
        workhub.get_absolute_url(),
        reverse("networks:contact", args=[network.slug]),
    ]

    for url in pages:
        html = client.get(url).content.decode()
        # The page does name them, so the check is looking at the right page.
        if url != reverse("networks:contact", args=[network.slug]):
            assert network.name in html
        assert coordinator.email not in html, url
        assert administrator.email not in html, url


def test_the_network_page_names_its_coordinators(client, network, coordinator):
    html = client.get(network.get_absolute_url()).content.decode()

    assert coordinator.get_full_name() in html


def test_the_member_list_shows_an_email_only_for_members_who_share_it(
    client, network, member, coordinator
):
    sharing = factories.make_head(email="sharing@school.example", show_email_to_members=True)
    factories.make_membership(person=sharing, network=network)
    client.force_login(member)

    html = client.get(reverse("networks:members", args=[network.slug])).content.decode()

    assert coordinator.get_full_name() in html
    assert "sharing@school.example" in html
    assert coordinator.email not in html


def test_site_staff_see_every_members_email(client, network, coordinator, staff):
    client.force_login(staff)

    html = client.get(reverse("networks:members", args=[network.slug])).content.decode()

    assert coordinator.email in html
