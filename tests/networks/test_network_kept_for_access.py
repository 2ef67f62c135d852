"""The network a page's permission is worked out on is kept for everyone
(networks.access.network_at); the person's membership is read afresh on every request.
A change to either is in the next answer."""

import pytest
from django.urls import reverse

from networks import access
from networks.models import Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db


def _members_page(network):
    return reverse("networks:members", args=[network.slug])


def test_a_member_who_lapses_is_refused_at_once_though_the_network_is_kept(client, network, member):
    client.force_login(member)
    assert client.get(_members_page(network)).status_code == 200
    # Even a write that sends no signal: the membership is never kept.
    Membership.objects.filter(person=member, network=network).update(
        status=Membership.Status.LAPSED
    )
    assert client.get(_members_page(network)).status_code == 403


def test_a_network_closing_its_member_list_to_members_refuses_them_at_once(
    client, network, member, coordinator
):
    client.force_login(member)
    assert client.get(_members_page(network)).status_code == 200
    network.member_list_visibility = Network.MemberListVisibility.COORDINATORS
    network.save()
    assert client.get(_members_page(network)).status_code == 403
    client.force_login(coordinator)
    assert client.get(_members_page(network)).status_code == 200


def test_a_network_renamed_or_moved_is_served_as_it_now_is(client, network, member):
    client.force_login(member)
    old = _members_page(network)
    assert network.name in client.get(old).content.decode()
    network.name = "Oxfordshire Primary Heads' Association"
    network.slug = "oxon-heads"
    network.save()
    assert client.get(old).status_code == 404
    page = client.get(_members_page(network)).content.decode()
    assert "Oxfordshire Primary Heads&#x27; Association" in page


def test_a_parent_renamed_is_on_its_sub_groups_kept_network(network):
    sub_group = factories.make_network(name="Oxfordshire SEND heads", parent=network)
    assert access.network_at(sub_group.slug).parent.name == network.name
    network.name = "Oxfordshire heads"
    network.save()
    assert access.network_at(sub_group.slug).parent.name == "Oxfordshire heads"


def test_the_kept_network_is_read_once_and_a_made_up_address_is_none(
    network, django_assert_num_queries
):
    access.network_at(network.slug)
    with django_assert_num_queries(0):
        assert access.network_at(network.slug) == network
    assert access.network_at("no-such-network") is None
