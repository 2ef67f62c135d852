"""Who may start, see and vote in a poll: the rules directly, then through the pages from the
refused side (docs/permissions.md)."""

import html

import pytest
from django.urls import reverse

from networks.models import Membership
from tests import factories
from tests.voice.conftest import seat_holder
from voice import access
from voice.models import Poll, VoteRecord

pytestmark = pytest.mark.django_db


def _access(person, network):
    return access.for_network(person, network)


def _right(person, poll):
    membership = access.voting_memberships(poll, person).first()
    return access.right_to_vote(poll, membership)


def test_coordinators_administrators_and_staff_start_polls_and_no_one_else(
    network, member, coordinator, administrator, staff, outsider_coordinator, head
):
    assert _access(coordinator, network).can_start
    assert _access(administrator, network).can_start
    assert _access(staff, network).can_start
    assert not _access(member, network).can_start
    assert not _access(outsider_coordinator, network).can_start
    assert not _access(head, network).can_start


@pytest.mark.parametrize("state", ["draft", "open", "closed"])
def test_who_sees_a_poll_agrees_between_the_list_and_the_single_check(
    state, network, member, coordinator, staff, outsider_member, head
):
    poll = factories.make_poll(network=network, state=state)
    lapsed = factories.make_head()
    factories.make_membership(person=lapsed, network=network, status="lapsed")
    for person in [member, coordinator, staff, outsider_member, head, lapsed]:
        viewer = _access(person, network)
        listed = Poll.objects.filter(network=network).filter(access.visible_q(viewer)).exists()
        assert viewer.may_see(poll) == listed, person.email
    assert _access(member, network).may_see(poll) == (state != "draft")
    assert _access(coordinator, network).may_see(poll)
    assert _access(staff, network).may_see(poll)
    assert not _access(outsider_member, network).may_see(poll)
    assert not _access(lapsed, network).may_see(poll)


def test_every_active_member_votes_in_a_poll_of_members_and_nobody_else(
    network, member, coordinator, staff, outsider_member
):
    poll = factories.make_poll(network=network)
    refused = []
    for status in ["lapsed", "removed", "pending", "left"]:
        person = factories.make_head()
        factories.make_membership(person=person, network=network, status=status)
        refused.append(person)

    assert _right(member, poll).may_vote and _right(member, poll).school is None
    assert _right(coordinator, poll).may_vote
    for person in [*refused, staff, outsider_member]:
        right = _right(person, poll)
        assert not right.may_vote
        assert "Only active members" in right.refusal


def test_in_a_poll_of_schools_only_the_head_holding_the_seat_votes_for_the_school(
    school_network, seated_head
):
    poll = factories.make_poll(network=school_network, voters=Poll.Voters.SCHOOLS)
    seatless = factories.make_head()
    factories.make_membership(person=seatless, network=school_network)
    lapsed = seat_holder(school_network)
    Membership.objects.filter(person=lapsed).update(status="lapsed")

    right = _right(seated_head, poll)
    assert right.may_vote and right.school == seated_head.posts.get().school
    for person in [seatless, lapsed]:
        assert "holding a member school's seat" in _right(person, poll).refusal


def test_a_sub_group_s_poll_is_for_the_sub_group_s_members(network, member):
    subgroup = factories.make_network(name="Oxfordshire Small Schools", parent=network)
    poll = factories.make_poll(network=subgroup)
    in_subgroup = factories.make_head()
    factories.make_membership(person=in_subgroup, network=subgroup)

    assert _access(in_subgroup, subgroup).may_see(poll)
    assert _right(in_subgroup, poll).may_vote
    assert not _access(member, subgroup).may_see(poll)  # in the parent network only
    assert not _right(member, poll).may_vote


@pytest.mark.parametrize(
    ("state", "shown", "voted", "sees"),
    [
        ("closed", "after_closing", False, True),
        ("open", "after_closing", True, False),
        ("open", "after_voting", True, True),
        ("open", "after_voting", False, False),
        ("draft", "after_voting", True, False),
    ],
)
def test_who_may_see_the_results(network, member, state, shown, voted, sees):
    poll = factories.make_poll(network=network, state=state, results_shown=shown)
    assert access.may_see_results(poll, _access(member, network), voted) is sees


def test_results_are_nobody_s_who_may_not_see_the_poll(network, outsider_member):
    poll = factories.make_poll(network=network, state="closed")
    assert not access.may_see_results(poll, _access(outsider_member, network), voted=False)


# Through the pages, from the refused side ------------------------------------------


def _vote_url(poll):
    return reverse("voice:vote", args=[poll.network.slug, poll.pk])


def test_a_lapsed_member_can_neither_see_nor_vote(client, network):
    poll = factories.make_poll(network=network)
    lapsed = factories.make_head()
    factories.make_membership(person=lapsed, network=network, status="lapsed")
    client.force_login(lapsed)

    page = client.get(reverse("voice:poll_detail", args=[network.slug, poll.pk]))
    vote = client.post(_vote_url(poll), {"chosen": poll.options.first().pk})

    assert page.status_code == 403 and vote.status_code == 403
    assert not VoteRecord.objects.exists()


def test_a_member_without_their_school_s_seat_is_refused_a_school_vote(
    client, school_network, seated_head
):
    poll = factories.make_poll(network=school_network, voters=Poll.Voters.SCHOOLS)
    seatless = factories.make_head()
    factories.make_membership(person=seatless, network=school_network)
    client.force_login(seatless)

    page = client.get(reverse("voice:poll_detail", args=[school_network.slug, poll.pk]))
    vote = client.post(_vote_url(poll), {"chosen": poll.options.first().pk})

    assert "Only the head holding a member school's seat" in html.unescape(page.content.decode())
    assert '<form method="post" action="' + _vote_url(poll) not in page.content.decode()
    assert vote.status_code == 403
    assert not VoteRecord.objects.exists()


def test_site_staff_see_a_poll_but_have_no_vote(client, network, staff):
    poll = factories.make_poll(network=network)
    client.force_login(staff)

    assert client.get(reverse("voice:poll_detail", args=[network.slug, poll.pk])).status_code == 200
    assert client.post(_vote_url(poll), {"chosen": poll.options.first().pk}).status_code == 403
    assert not VoteRecord.objects.exists()


@pytest.mark.parametrize("state", ["closed", "draft"])
def test_nobody_votes_in_a_closed_poll_or_a_draft(client, network, coordinator, state):
    poll = factories.make_poll(network=network, state=state)
    client.force_login(coordinator)

    response = client.post(_vote_url(poll), {"chosen": poll.options.first().pk})

    assert response.status_code == 403
    assert not VoteRecord.objects.exists()


def test_another_network_s_poll_is_not_found_through_this_network(
    client, network, other_network, member
):
    poll = factories.make_poll(network=other_network)
    client.force_login(member)

    response = client.post(
        reverse("voice:vote", args=[network.slug, poll.pk]), {"chosen": poll.options.first().pk}
    )

    assert response.status_code == 404


def test_members_do_not_start_polls(client, network, member):
    client.force_login(member)
    response = client.post(
        reverse("voice:poll_create", args=[network.slug, "question"]),
        {"title": "Sneaky", "results_shown": "after_closing", "closes_at": "2099-01-01T10:00"},
    )
    assert response.status_code == 403
    assert not Poll.objects.exists()


def test_a_sub_group_s_poll_is_refused_to_members_of_the_parent_only(client, network, member):
    subgroup = factories.make_network(name="Small Schools", slug="small-schools", parent=network)
    poll = factories.make_poll(network=subgroup)
    client.force_login(member)

    page = client.get(reverse("voice:poll_detail", args=[subgroup.slug, poll.pk]))
    vote = client.post(_vote_url(poll), {"chosen": poll.options.first().pk})
    through_parent = client.get(reverse("voice:poll_detail", args=[network.slug, poll.pk]))

    assert (page.status_code, vote.status_code, through_parent.status_code) == (403, 403, 404)
    assert not VoteRecord.objects.exists()
