"""The poll page keeps its poll, network and options (voice.access._kept_poll) under the
network's scope: each kind of write the page shows is on it at once, and what one person
filled it with shows nobody more than their own access allows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from networks import services as network_services
from tests import factories
from voice import closing, polls, voting
from voice.models import Poll
from voice.polls import OptionInput, PollInput
from voice.voting import Answers

from .conftest import page_text, seat_holder

NEXT_WEEK = timezone.now() + datetime.timedelta(days=7)


def _url(poll: Poll) -> str:
    return reverse("voice:poll_detail", args=[poll.network.slug, poll.pk])


def _seen(client, person, poll: Poll) -> str:
    client.force_login(person)
    response = client.get(_url(poll))
    assert response.status_code == 200
    return page_text(response)


def _draft(network, coordinator, title="Which day?", options=("Alpha room", "Beta room")) -> Poll:
    data = PollInput(
        title=title, closes_at=NEXT_WEEK, options=[OptionInput(label=o) for o in options]
    )
    return polls.create_poll(network=network, kind="single", by=coordinator, data=data)


def test_a_draft_s_edits_show_at_once(client, network, coordinator):
    poll = _draft(network, coordinator)
    assert "Which day?" in _seen(client, coordinator, poll)
    data = PollInput(
        title="Which evening?", closes_at=NEXT_WEEK,
        options=[OptionInput(label="Gamma room"), OptionInput(label="Delta room")],
    )  # fmt: skip
    polls.edit_poll(poll=poll, by=coordinator, data=data)
    text = _seen(client, coordinator, poll)
    assert "Which evening?" in text and "Gamma room" in text and "Alpha room" not in text


def test_opening_a_draft_shows_it_to_members_at_once(client, network, coordinator, member):
    poll = _draft(network, coordinator)
    _seen(client, coordinator, poll)  # kept as a draft
    client.force_login(member)
    assert client.get(_url(poll)).status_code == 404
    polls.open_poll(poll=poll, by=coordinator)
    text = _seen(client, member, poll)
    assert "State Open" in text and "Your vote" in text


def test_closing_shows_at_once(client, network, member):
    poll = factories.make_poll(network=network, title="Spring day")
    assert "State Open" in _seen(client, member, poll)
    closing.close_poll(poll=poll)
    text = _seen(client, member, poll)
    assert "State Closed" in text and "This poll has closed." in text


def test_a_network_s_new_name_shows_at_once(client, network, member, administrator):
    poll = factories.make_poll(network=network, title="Spring day")
    assert f"Every member of {network.label}" in _seen(client, member, poll)
    network.short_name = "RENAMED"
    network.save()
    assert "Every member of RENAMED" in _seen(client, member, poll)


def test_a_draft_kept_for_a_coordinator_is_nobody_else_s(client, network, coordinator, member):
    poll = _draft(network, coordinator, title="Secret plans")
    _seen(client, coordinator, poll)
    client.force_login(member)
    assert client.get(_url(poll)).status_code == 404
    client.logout()
    assert client.get(_url(poll)).status_code == 302  # to sign in


def test_a_poll_kept_for_a_member_is_not_shown_to_others(
    client, network, member, outsider_member, outsider_coordinator
):
    poll = factories.make_poll(network=network, title="Members only")
    _seen(client, member, poll)
    for outsider in (outsider_member, outsider_coordinator):
        client.force_login(outsider)
        response = client.get(_url(poll))
        assert response.status_code == 403 and "Members only" not in response.content.decode()


def test_a_member_who_leaves_sees_the_kept_poll_no_more(client, network, member):
    poll = factories.make_poll(network=network, title="Members only")
    _seen(client, member, poll)
    membership = member.memberships.get(network=network)
    network_services.end_membership(membership=membership, status="left", by=member)
    # Leaving is the person's own write: nothing kept is theirs, it is asked again.
    client.force_login(member)
    assert client.get(_url(poll)).status_code == 403


@pytest.mark.parametrize("kept_first", [True, False])
def test_the_page_reads_only_the_person_when_the_poll_is_kept(
    client, network, member, django_assert_max_num_queries, kept_first
):
    poll = factories.make_poll(network=network, title="Spring day")
    client.force_login(member)
    if kept_first:
        client.get(_url(poll))
    # Their session's user, their membership with whether they voted, in one query (and
    # the poll with its options when it is not kept yet).
    with django_assert_max_num_queries(2 if kept_first else 4):
        assert client.get(_url(poll)).status_code == 200


def test_my_vote_shows_at_once_and_another_member_s_vote_is_never_mine(client, network, member):
    """Whether the person voted is read with their membership on every visit: their own
    vote shows at once, another member's never says they voted."""
    poll = factories.make_poll(network=network, kind="proposal", secret=True)
    other = factories.make_head(email="other@school.example")
    factories.make_membership(person=other, network=network)
    assert "You have voted" not in _seen(client, member, poll)

    voting.cast_ballot(poll=poll, person=other, answers=Answers(position="agree"))
    assert "You have voted" in _seen(client, other, poll)
    mine = _seen(client, member, poll)
    assert "You have voted" not in mine and "Vote" in mine

    voting.cast_ballot(poll=poll, person=member, answers=Answers(position="agree"))
    assert "You have voted" in _seen(client, member, poll)


def test_a_school_s_vote_shows_to_its_seat_holder_at_once_and_not_to_another_school(
    client, school_network, seated_head
):
    poll = factories.make_poll(
        network=school_network, kind="proposal", voters="schools", secret=True
    )
    school = seated_head.posts.get().school
    other = seat_holder(school_network, email="other.head@school.example")
    assert f"Vote for {school.name}" in _seen(client, seated_head, poll)

    voting.cast_ballot(poll=poll, person=other, answers=Answers(position="agree"))
    assert f"{school.name} has voted" not in _seen(client, seated_head, poll)

    voting.cast_ballot(poll=poll, person=seated_head, answers=Answers(position="agree"))
    assert f"{school.name} has voted" in _seen(client, seated_head, poll)


def test_the_written_trail_shows_a_parent_network_s_new_name_at_once(client, network):
    """The poll's trail and summary are written once with the kept poll: a sub-group's
    poll names its parent network, whose rename shows at once."""
    group = factories.make_network(name="SEND Heads Group", slug="send-group", parent=network)
    person = factories.make_head(email="group.member@school.example")
    factories.make_membership(person=person, network=group)
    poll = factories.make_poll(network=group, title="Spring day")
    assert network.label in _seen(client, person, poll)

    network.short_name = "PARENT RENAMED"
    network.save()

    text = _seen(client, person, poll)
    assert "PARENT RENAMED" in text and "Spring day" in text
