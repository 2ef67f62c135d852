"""Voting: each kind's ballot, changing a vote, one vote per member school, secret votes."""

import datetime
import html

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members.models import Post
from networks.services import hand_over_school_seats
from tests import factories
from tests.voice.conftest import page_text, seat_holder
from voice import voting
from voice.models import Ballot, BallotChoice, VoteRecord
from voice.voting import Answers

pytestmark = pytest.mark.django_db


def _ids(poll):
    return [option.pk for option in poll.options.all()]


def _refused(poll, person, answers, field=None):
    with pytest.raises(ValidationError) as refused:
        voting.cast_ballot(poll=poll, person=person, answers=answers)
    assert not VoteRecord.objects.exists() and not Ballot.objects.exists()
    if field:
        return " ".join(refused.value.message_dict[field])
    return " ".join(refused.value.messages)


# Each kind's ballot -------------------------------------------------------------


def test_a_proposal_takes_a_position_and_a_block_needs_its_reason(network, member):
    poll = factories.make_poll(network=network, kind="proposal")

    assert "Choose agree" in _refused(poll, member, Answers(position="maybe"), "position")
    assert "reason for blocking" in _refused(poll, member, Answers(position="block"), "text")
    ballot = voting.cast_ballot(
        poll=poll, person=member, answers=Answers(position="block", text="  It costs too much ")
    )
    assert (ballot.position, ballot.text) == ("block", "It costs too much")


def test_a_single_choice_takes_exactly_one_of_its_own_options(network, other_network, member):
    poll = factories.make_poll(network=network)
    elsewhere = factories.make_poll(network=other_network)
    [monday, wednesday, _] = _ids(poll)

    assert "Choose one" in _refused(poll, member, Answers(chosen=[monday, wednesday]), "chosen")
    assert "Choose one" in _refused(poll, member, Answers(chosen=_ids(elsewhere)[:1]), "chosen")
    assert "Choose one" in _refused(poll, member, Answers(), "chosen")
    ballot = voting.cast_ballot(poll=poll, person=member, answers=Answers(chosen=[wednesday]))
    assert [choice.option_id for choice in ballot.choices.all()] == [wednesday]


def test_a_multiple_choice_takes_up_to_its_most(network, member):
    poll = factories.make_poll(network=network, kind="multiple", max_choices=2)
    ids = _ids(poll)

    assert "at most 2" in _refused(poll, member, Answers(chosen=ids), "chosen")
    assert "at least one" in _refused(poll, member, Answers(), "chosen")
    ballot = voting.cast_ballot(poll=poll, person=member, answers=Answers(chosen=ids[:2]))
    assert sorted(choice.option_id for choice in ballot.choices.all()) == ids[:2]


@pytest.mark.parametrize(
    ("ranks", "message"),
    [
        ({}, "at least your first"),
        ({0: 1, 1: 1}, "each rank once"),
        ({0: 1, 1: 3}, "without a gap"),
        ({0: 2}, "without a gap"),
        ({0: 0, 1: 1}, "without a gap"),
    ],
)
def test_a_ranking_is_1_to_n_without_gaps_or_ties(network, member, ranks, message):
    poll = factories.make_poll(network=network, kind="ranked")
    ids = _ids(poll)
    answers = Answers(ranks={ids[index]: rank for index, rank in ranks.items()})
    assert message in _refused(poll, member, answers, "ranks")


def test_a_full_or_partial_ranking_counts(network, member, coordinator):
    poll = factories.make_poll(network=network, kind="ranked")
    ids = _ids(poll)

    partial = voting.cast_ballot(poll=poll, person=member, answers=Answers(ranks={ids[2]: 1}))
    full = voting.cast_ballot(
        poll=poll, person=coordinator, answers=Answers(ranks={ids[0]: 3, ids[1]: 1, ids[2]: 2})
    )

    assert [(c.option_id, c.rank) for c in partial.choices.all()] == [(ids[2], 1)]
    assert sorted((c.rank, c.option_id) for c in full.choices.all()) == [
        (1, ids[1]), (2, ids[2]), (3, ids[0])
    ]  # fmt: skip


def test_a_meeting_time_poll_needs_an_answer_for_every_slot(network, member):
    poll = factories.make_poll(network=network, kind="meeting_time")
    ids = _ids(poll)

    assert "every time" in _refused(poll, member, Answers(slots={ids[0]: "yes"}), "slots")
    wrong = dict.fromkeys(ids, "perhaps")
    assert "every time" in _refused(poll, member, Answers(slots=wrong), "slots")
    answers = {ids[0]: "yes", ids[1]: "if_need_be", ids[2]: "no"}
    ballot = voting.cast_ballot(poll=poll, person=member, answers=Answers(slots=answers))
    assert {c.option_id: c.answer for c in ballot.choices.all()} == answers


def test_a_question_takes_an_answer_in_words(network, member):
    poll = factories.make_poll(network=network, kind="question")

    assert "Write your answer" in _refused(poll, member, Answers(text="   "), "text")
    ballot = voting.cast_ballot(poll=poll, person=member, answers=Answers(text="More CPD"))
    assert ballot.text == "More CPD" and not ballot.choices.exists()


def test_no_vote_in_a_draft_a_closed_poll_or_after_its_closing_time(network, member):
    draft = factories.make_poll(network=network, state="draft")
    closed = factories.make_poll(network=network, state="closed")
    late = factories.make_poll(network=network)

    assert "not open" in _refused(draft, member, Answers(chosen=_ids(draft)[:1]))
    assert "closed" in _refused(closed, member, Answers(chosen=_ids(closed)[:1]))
    with time_machine.travel(late.closes_at + datetime.timedelta(seconds=1)):
        assert "closed" in _refused(late, member, Answers(chosen=_ids(late)[:1]))


# Changing a vote --------------------------------------------------------------


def test_an_open_vote_can_be_changed_until_the_poll_closes(network, member):
    poll = factories.make_poll(network=network, kind="multiple")
    ids = _ids(poll)

    first = voting.cast_ballot(poll=poll, person=member, answers=Answers(chosen=ids[:2]))
    second = voting.cast_ballot(poll=poll, person=member, answers=Answers(chosen=[ids[2]]))

    assert first.pk == second.pk
    assert VoteRecord.objects.count() == 1 and Ballot.objects.count() == 1
    assert list(BallotChoice.objects.values_list("option_id", flat=True)) == [ids[2]]
    with time_machine.travel(poll.closes_at + datetime.timedelta(minutes=1)):
        _ = pytest.raises(ValidationError, voting.cast_ballot, poll=poll, person=member,
                          answers=Answers(chosen=[ids[0]]))  # fmt: skip
    assert list(BallotChoice.objects.values_list("option_id", flat=True)) == [ids[2]]


def test_a_secret_vote_is_final(network, member):
    poll = factories.make_poll(network=network, secret=True)
    ids = _ids(poll)
    voting.cast_ballot(poll=poll, person=member, answers=Answers(chosen=[ids[0]]))

    with pytest.raises(ValidationError, match="secret vote cannot be changed"):
        voting.cast_ballot(poll=poll, person=member, answers=Answers(chosen=[ids[1]]))
    assert VoteRecord.objects.count() == 1 and Ballot.objects.count() == 1
    assert BallotChoice.objects.get().option_id == ids[0]


def test_the_page_says_a_secret_vote_cannot_be_changed_before_and_after_voting(
    client, network, member
):
    poll = factories.make_poll(network=network, secret=True)
    url = reverse("voice:poll_detail", args=[network.slug, poll.pk])
    client.force_login(member)

    before = html.unescape(client.get(url).content.decode())
    response = client.post(
        reverse("voice:vote", args=[network.slug, poll.pk]), {"chosen": _ids(poll)[1]}
    )
    after = html.unescape(client.get(response.url).content.decode())

    assert "This is a secret ballot." in before and "cannot be changed" in before
    assert "Your vote is counted. It is secret: nothing links it to you." in after
    assert "You have voted." in after and "Wednesday" not in after.split('id="vote-heading"')[1]
    assert 'action="' + reverse("voice:vote", args=[network.slug, poll.pk]) not in after


def test_an_open_vote_is_shown_to_its_voter_who_may_change_it_through_the_page(
    client, network, member
):
    poll = factories.make_poll(network=network, kind="ranked")
    ids = _ids(poll)
    vote_url = reverse("voice:vote", args=[network.slug, poll.pk])
    client.force_login(member)

    client.post(vote_url, {f"rank_{ids[0]}": "2", f"rank_{ids[1]}": "1"})
    first = html.unescape(client.get(reverse("voice:poll_detail", args=[network.slug, poll.pk]))
                          .content.decode())  # fmt: skip
    refused = client.post(vote_url, {f"rank_{ids[0]}": "1", f"rank_{ids[1]}": "1"})
    client.post(vote_url, {f"rank_{ids[2]}": "1"})

    assert "1. Wednesday" in first and "2. Monday" in first and "change it below" in first
    assert "Give each rank once" in refused.content.decode()
    assert list(BallotChoice.objects.values_list("option_id", "rank")) == [(ids[2], 1)]


def test_the_message_after_a_vote_never_repeats_the_choice(client, network, member):
    poll = factories.make_poll(network=network, options=["Lemon", "Lime"])
    client.force_login(member)
    response = client.post(
        reverse("voice:vote", args=[network.slug, poll.pk]), {"chosen": _ids(poll)[0]}, follow=True
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert message == "Your vote is counted. You can change it until the poll closes."


# One vote per member school ---------------------------------------------------------


def test_a_school_votes_once_through_its_seat_holder(client, school_network, seated_head):
    poll = factories.make_poll(network=school_network, kind="proposal", voters="schools")
    school = seated_head.posts.get().school
    client.force_login(seated_head)
    url = reverse("voice:poll_detail", args=[school_network.slug, poll.pk])

    page = page_text(client.get(url))
    client.post(reverse("voice:vote", args=[school_network.slug, poll.pk]), {"position": "agree"})
    client.post(reverse("voice:vote", args=[school_network.slug, poll.pk]), {"position": "abstain"})

    assert f"Your vote counts for {school.name}" in page
    assert f"Vote for {school.name}" in page
    record = VoteRecord.objects.get()
    assert (record.school, record.person) == (school, seated_head)
    ballot = Ballot.objects.get()
    assert (ballot.school, ballot.position) == (school, "abstain")


def test_when_the_seat_passes_the_new_head_may_change_the_school_s_open_vote(
    client, school_network, seated_head
):
    poll = factories.make_poll(network=school_network, kind="proposal", voters="schools")
    school = seated_head.posts.get().school
    voting.cast_ballot(poll=poll, person=seated_head, answers=Answers(position="agree"))
    new_head = _seat_passes(school)

    client.force_login(new_head)
    page = page_text(client.get(reverse("voice:poll_detail", args=[school_network.slug, poll.pk])))
    voting.cast_ballot(poll=poll, person=new_head, answers=Answers(position="disagree"))

    assert f"{school.name}'s vote, cast by the school's earlier head, is counted" in page
    assert "Change the school's vote" in page
    assert VoteRecord.objects.get().school == school
    ballot = Ballot.objects.get()
    assert (ballot.person, ballot.position) == (new_head, "disagree")
    with pytest.raises(ValidationError, match="seat"):  # the old head no longer votes
        voting.cast_ballot(poll=poll, person=seated_head, answers=Answers(position="agree"))


def test_when_the_seat_passes_a_school_s_secret_vote_stays_cast(school_network, seated_head):
    poll = factories.make_poll(
        network=school_network, kind="proposal", voters="schools", secret=True
    )
    school = seated_head.posts.get().school
    voting.cast_ballot(poll=poll, person=seated_head, answers=Answers(position="agree"))
    new_head = _seat_passes(school)

    with pytest.raises(ValidationError, match="Your school has already voted"):
        voting.cast_ballot(poll=poll, person=new_head, answers=Answers(position="block", text="No"))
    assert VoteRecord.objects.count() == 1 and Ballot.objects.get().position == "agree"


def test_two_schools_vote_separately(school_network, seated_head):
    poll = factories.make_poll(network=school_network, voters="schools")
    other = seat_holder(school_network)
    for person in (seated_head, other):
        voting.cast_ballot(poll=poll, person=person, answers=Answers(chosen=_ids(poll)[:1]))
    assert VoteRecord.objects.count() == 2 and Ballot.objects.count() == 2


def _seat_passes(school):
    """The school's head leaves and a new head is verified: the seat passes on, as
    networks.services does it."""
    Post.objects.filter(school=school).update(
        ended_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    new_head = factories.make_head(school=school, first_name="Newly", last_name="Appointed")
    hand_over_school_seats(school=school, notify_previous=False)
    return new_head


# The viewer, the poll with its network, their membership, the options, whether they
# voted, and their open ballot with its choices and their options.
POLL_PAGE_MAX_QUERIES = 8


def test_the_poll_s_page_costs_the_same_queries_for_few_and_many_options_and_ballots(
    client, network, member, django_assert_max_num_queries
):
    few = factories.make_poll(network=network, kind="multiple", options=["A", "B"])
    many = factories.make_poll(network=network, kind="multiple", options=list("ABCDEFGHIJKL"))
    for poll in (few, many):
        voting.cast_ballot(poll=poll, person=member, answers=Answers(chosen=_ids(poll)))
    for _ in range(8):
        voter = factories.make_head()
        factories.make_membership(person=voter, network=network)
        voting.cast_ballot(poll=many, person=voter, answers=Answers(chosen=_ids(many)[:3]))
    client.force_login(member)

    counts = []
    for poll in (few, many):
        with django_assert_max_num_queries(POLL_PAGE_MAX_QUERIES) as queries:
            response = client.get(reverse("voice:poll_detail", args=[network.slug, poll.pk]))
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_the_list_costs_the_same_queries_for_few_and_many_polls(
    client, network, member, django_assert_max_num_queries
):
    url = reverse("voice:poll_list", args=[network.slug])
    client.force_login(member)
    factories.make_poll(network=network)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for state in ["open", "closed", "draft"] * 5:
        factories.make_poll(network=network, state=state)
    with django_assert_max_num_queries(12) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)
