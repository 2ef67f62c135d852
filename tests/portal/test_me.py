"""/me/: my networks, my pending requests, and networks I could join."""

import pytest
from django.urls import reverse

from networks import services
from networks.models import Network
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_visitor_is_asked_to_sign_in(client):
    response = client.get(reverse("me"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_my_page_lists_my_networks_requests_and_suggestions(client, member, network):
    approval = factories.make_network(
        name="Essex Leadership Group", join_policy=Network.JoinPolicy.APPROVAL
    )
    services.join_network(person=member, network=approval)
    could_join = factories.make_network(name="Oxfordshire Briefings")
    invitation_only = factories.make_network(
        name="Headteachers Roundtable", join_policy=Network.JoinPolicy.INVITATION
    )
    not_for_me = factories.make_network(name="Special Heads", sectors=["special"])
    left = factories.make_network(name="A Network I Left")
    services.join_network(person=member, network=left)
    services.leave_network(person=member, network=left)
    client.force_login(member)

    response = client.get(reverse("me"))

    context = response.context
    assert [m.network for m in context["active"]] == [network]
    assert [m.network for m in context["pending"]] == [approval]
    suggested = set(context["suggestions"])
    assert could_join in suggested
    assert left in suggested  # leaving is not for ever
    assert network not in suggested
    assert approval not in suggested
    assert invitation_only not in suggested
    assert not_for_me not in suggested
    html = response.content.decode()
    for name in (network.name, approval.name, could_join.name):
        assert name in html
    assert invitation_only.name not in html


def test_a_person_without_a_post_is_asked_to_complete_their_profile(client):
    client.force_login(factories.make_user())

    html = client.get(reverse("me")).content.decode()

    assert "Add your name and your post" in html
    assert "You are not a member of any network yet." in html
