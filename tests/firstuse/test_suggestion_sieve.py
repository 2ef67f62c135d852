"""Suggestions are sieved in the database first; the sieve must never drop a network
the rules would suggest."""

import pytest

from members.models import School, User
from networks import eligibility
from networks.models import Membership, Network
from portal.firstuse import suggested_networks
from tests import factories

pytestmark = pytest.mark.django_db


def _by_the_rules_alone(person: User, memberships: list[Membership]) -> list[Network]:
    """What suggested_networks gave before the sieve: every network judged by the rules."""
    joined = {membership.network_id for membership in memberships}
    member_of = {membership.network_id for membership in memberships if membership.is_active}
    return [
        network
        for network in Network.objects.exclude(join_policy=Network.JoinPolicy.INVITATION)
        .exclude(pk__in=joined)
        .order_by("name")
        if (
            network.parent_id in member_of
            if network.requires_parent_membership
            else eligibility.eligibility_for(network, person, check_seat=False)
        )
    ]


def _networks_in_and_out_of_reach(mine, oxfordshire, oldham) -> None:
    make = factories.make_network
    make(name="National primary heads", areas=[])
    make(name="Oldham primary heads", areas=[oldham])
    make(name="Two counties", areas=[oxfordshire, oldham])
    make(name="Secondary heads", sectors=[School.Sector.SECONDARY])
    make(name="Open to all", areas=[oldham], open_to_all=True)
    make(name="Mine's sub-group", parent=mine, requires_parent_membership=True)
    oldham_parent = make(name="Oldham parent", areas=[oldham])
    make(name="Other sub-group", parent=oldham_parent, requires_parent_membership=True)
    make(name="By invitation", join_policy=Network.JoinPolicy.INVITATION)


def test_the_sieve_keeps_every_network_the_rules_would_suggest():
    oxfordshire = factories.make_la()
    oldham = factories.make_la(code="353", name="Oldham")
    school = factories.make_school(la=oxfordshire)
    person = factories.make_head(school=school)
    mine = factories.make_network(name="Oxfordshire Primary Heads", areas=[oxfordshire])
    membership = factories.make_membership(person=person, network=mine)
    _networks_in_and_out_of_reach(mine, oxfordshire, oldham)
    person = User.objects.with_posts().get(pk=person.pk)

    suggested = suggested_networks(person, [membership])

    expected = _by_the_rules_alone(person, [membership])
    assert sorted(n.name for n in suggested) == sorted(n.name for n in expected)
    assert {n.name for n in expected} == {
        "National primary heads", "Two counties", "Open to all", "Mine's sub-group",
    }  # fmt: skip
