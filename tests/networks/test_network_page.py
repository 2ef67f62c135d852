"""The network page offers the one right action to the person looking at it."""

import pytest
from django.urls import reverse

from fees.models import FeeScheme
from networks.models import Membership, Network, NetworkPurpose
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("visitor", "Sign in to join"),
        ("head", "Join Oxon Primary"),
        ("member", "Leave Oxon Primary"),
        ("coordinator", "You are a member (coordinator)"),
        ("staff", "You cannot join this network: Open to headteachers of primary schools"),
    ],
)
def test_the_page_offers_each_person_their_action(client, network, persona, shown, request):
    network.short_name = "Oxon Primary"
    network.save()
    if persona != "visitor":
        client.force_login(request.getfixturevalue(persona))

    html = client.get(network.get_absolute_url()).content.decode()

    assert shown in html


def test_a_pending_request_is_shown_as_waiting(client, network, head):
    network.join_policy = Network.JoinPolicy.APPROVAL
    network.save()
    client.force_login(head)
    assert "Request to join" in client.get(network.get_absolute_url()).content.decode()
    Membership.objects.create(person=head, network=network, status=Membership.Status.PENDING)

    html = client.get(network.get_absolute_url()).content.decode()

    assert "Your request to join is waiting for an administrator" in html


def test_an_invitation_only_network_says_so_to_people_not_invited(client, network, head):
    network.join_policy = Network.JoinPolicy.INVITATION
    network.save()
    client.force_login(head)

    html = client.get(network.get_absolute_url()).content.decode()

    assert "Membership is by invitation" in html
    assert reverse("networks:join", args=[network.slug]) not in html


def test_administrators_are_pointed_to_the_join_requests(client, network, administrator):
    client.force_login(administrator)

    html = client.get(network.get_absolute_url()).content.decode()

    assert reverse("networks:requests", args=[network.slug]) in html


def test_the_page_shows_purposes_in_order_rhythm_area_and_fee(client, network):
    network.meeting_rhythm = "Two morning meetings a year"
    network.save()
    FeeScheme.objects.create(network=network, flat_amount_pence=25000, reference_prefix="OPH")
    NetworkPurpose.objects.create(network=network, position=2, text="Second purpose")
    NetworkPurpose.objects.create(network=network, position=1, text="First purpose")

    html = client.get(network.get_absolute_url()).content.decode()

    assert html.index("First purpose") < html.index("Second purpose")
    assert "Two morning meetings a year" in html
    assert "Oxfordshire" in html
    assert "<dt>Annual fee per member school</dt><dd>£250.00</dd>" in html


def test_a_subgroup_and_its_parent_link_to_each_other(client, network):
    subgroup = factories.make_network(name="Data User Group", parent=network)

    assert subgroup.get_absolute_url() in client.get(network.get_absolute_url()).content.decode()
    assert network.get_absolute_url() in client.get(subgroup.get_absolute_url()).content.decode()


def test_an_unknown_network_is_not_found(client):
    assert client.get("/networks/no-such-network/").status_code == 404
