"""networks.eligibility.join_option_for: the one rule behind the network page's button and
join_network."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import School
from networks import eligibility, services
from networks.eligibility import JoinKind
from networks.models import Invitation, Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_visitor_is_asked_to_sign_in(network):
    assert eligibility.join_option_for(network, AnonymousUser()).kind == JoinKind.SIGN_IN


def test_a_visitor_to_an_invitation_only_network_is_not_told_to_sign_in_to_join(client):
    network = factories.make_network(join_policy=Network.JoinPolicy.INVITATION)

    page = client.get(reverse("networks:detail", args=[network.slug])).content.decode()

    assert eligibility.join_option_for(network, AnonymousUser()).kind == (
        JoinKind.SIGN_IN_IF_INVITED
    )
    assert "Sign in to join" not in page
    assert "Membership is by invitation" in page
    assert "with the email address the invitation came to" in page


@pytest.mark.parametrize(
    ("policy", "kind"),
    [
        (Network.JoinPolicy.OPEN, JoinKind.JOIN),
        (Network.JoinPolicy.AUTOMATIC, JoinKind.JOIN),
        (Network.JoinPolicy.APPROVAL, JoinKind.REQUEST),
        (Network.JoinPolicy.INVITATION, JoinKind.INVITATION_ONLY),
    ],
)
def test_an_eligible_head_is_offered_what_the_policy_allows(head, policy, kind):
    network = factories.make_network(join_policy=policy)

    assert eligibility.join_option_for(network, head).kind == kind


def test_an_ineligible_head_is_told_why(network):
    secondary_head = factories.make_head(school=factories.make_school(sector="secondary"))

    option = eligibility.join_option_for(network, secondary_head)

    assert option.kind == JoinKind.NOT_ELIGIBLE
    assert "is not one it covers" in option.reason
    assert not option.can_join


def test_an_invitation_opens_an_invitation_only_network(head):
    network = factories.make_network(join_policy=Network.JoinPolicy.INVITATION)
    Invitation.objects.create(network=network, email=head.email)

    option = eligibility.join_option_for(network, head)

    assert option.kind == JoinKind.ACCEPT
    assert option.invitation is not None


def test_a_live_membership_is_member_or_pending(head, member, network):
    pending = factories.make_membership(
        person=head, network=network, status=Membership.Status.PENDING
    )
    active = Membership.objects.get(person=member, network=network)

    assert eligibility.join_option_for(network, head, pending).kind == JoinKind.PENDING
    assert eligibility.join_option_for(network, member, active).kind == JoinKind.MEMBER


def test_a_school_based_network_names_the_school_whose_seat_it_is(head):
    network = factories.make_network(basis=Network.Basis.SCHOOL)

    option = eligibility.join_option_for(network, head)

    assert option.kind == JoinKind.JOIN
    assert option.school == head.posts.get().school


@pytest.mark.parametrize(
    ("policy", "sector", "button", "joined_status"),
    [
        (Network.JoinPolicy.OPEN, School.Sector.PRIMARY, "Join", Membership.Status.ACTIVE),
        (Network.JoinPolicy.APPROVAL, School.Sector.PRIMARY, "Request to join", "pending"),
        (Network.JoinPolicy.INVITATION, School.Sector.PRIMARY, "by invitation", None),
        (Network.JoinPolicy.OPEN, School.Sector.SECONDARY, "You cannot join", None),
    ],
)
def test_the_page_offers_exactly_what_joining_does(client, policy, sector, button, joined_status):
    person = factories.make_head(school=factories.make_school(sector=sector))
    network = factories.make_network(join_policy=policy)
    client.force_login(person)

    page = client.get(reverse("networks:detail", args=[network.slug])).content.decode()

    assert button in page
    if joined_status is None:
        with pytest.raises(ValidationError):
            services.join_network(person=person, network=network)
    else:
        membership = services.join_network(person=person, network=network)
        assert membership.status == joined_status
