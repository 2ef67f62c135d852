"""The count of each kind of poll, with examples worked by hand."""

import pytest

from tests import factories
from voice.counting import instant_runoff, tally

# Instant run-off, pure ------------------------------------------------------------------

A, B, C, D = 1, 2, 3, 4


def test_a_majority_of_first_preferences_wins_in_the_first_round():
    result = instant_runoff([A, B, C], [[A, B], [A], [B, C], [A, C], [C]])
    assert result.winner == A
    assert len(result.rounds) == 1
    assert result.rounds[0].votes == {A: 3, B: 1, C: 1}


def test_a_count_that_needs_three_rounds():
    # 9 ballots. Round 1: A 4, B 3, C 1, D 1 (no majority of 9: 5 needed).
    # C and D tie on 1; no earlier round, so the later listed (D) goes, by the tie-break.
    # Round 2: D's ballot goes to C: A 4, B 3, C 2. C goes.
    # Round 3: C's two ballots: one to B, one exhausted: A 4, B 4 of 8, no majority;
    # A and B tie on 4: in round 2 A had 4 and B 3, so B goes. Round 4: A
    # alone wins, B's four ballots exhausted beside D's.
    ballots = [[A]] * 4 + [[B]] * 3 + [[C, B]] + [[D, C]]
    result = instant_runoff([A, B, C, D], ballots)
    rounds = result.rounds
    assert [r.votes for r in rounds] == [
        {A: 4, B: 3, C: 1, D: 1},
        {A: 4, B: 3, C: 2},
        {A: 4, B: 4},
        {A: 4},
    ]
    assert [r.eliminated for r in rounds] == [D, C, B, None]
    assert [r.by_tie_break for r in rounds] == [True, False, True, False]
    assert [r.exhausted for r in rounds] == [0, 0, 1, 5]
    assert result.winner == A


def test_a_transfer_gives_the_second_round_a_majority():
    # Round 1: A 2, B 2, C 1 of 5. C goes; C's ballot names B next: B 3 of 5 wins.
    result = instant_runoff([A, B, C], [[A], [A], [B], [B], [C, B]])
    assert [r.votes for r in result.rounds] == [{A: 2, B: 2, C: 1}, {A: 2, B: 3}]
    assert result.rounds[0].eliminated == C
    assert result.winner == B


def test_a_tie_with_no_earlier_round_to_tell_eliminates_the_option_listed_last():
    result = instant_runoff([A, B], [[A], [B]])
    assert result.rounds[0].eliminated == B
    assert result.rounds[0].by_tie_break
    assert result.winner == A


def test_no_ballots_no_rounds_and_no_winner():
    result = instant_runoff([A, B], [])
    assert result.rounds == []
    assert result.winner is None


# From ballots in the database ------------------------------------------------------------


@pytest.mark.django_db
def test_a_proposal_counts_each_position_and_names_reasons_on_an_open_poll(network):
    poll = factories.make_poll_record(network=network)
    ann = factories.make_user(email="ann@school.example", first_name="Ann", last_name="Lee")
    bob = factories.make_user(email="bob@school.example", first_name="Bob", last_name="Hart")
    factories.cast_ballot(poll, person=ann, position="agree", text="About time.")
    factories.cast_ballot(poll, person=bob, position="block", text="Not in exam season.")
    factories.cast_ballot(poll, person=factories.make_user(), position="agree")
    factories.cast_ballot(poll, person=factories.make_user(), position="abstain")

    counted = tally(poll)

    assert counted.rows == [("Agree", 2), ("Abstain", 1), ("Disagree", 0), ("Block", 1)]
    assert counted.ballots == 4
    assert [(r.position, r.name, r.text) for r in counted.reasons] == [
        ("Block", "Bob Hart", "Not in exam season."),
        ("Agree", "Ann Lee", "About time."),
    ]


@pytest.mark.django_db
def test_a_secret_proposal_gives_reasons_without_names(network):
    poll = factories.make_poll_record(network=network, secret=True)
    bob = factories.make_user(first_name="Bob", last_name="Hart")
    factories.cast_ballot(poll, person=bob, position="block", text="Not in exam season.")
    counted = tally(poll)
    assert counted.block == 1
    assert [(r.name, r.text) for r in counted.reasons] == [("", "Not in exam season.")]


@pytest.mark.django_db
def test_a_school_poll_names_the_school_beside_the_head(network):
    school = factories.make_school(name="Cherwell Primary")
    head = factories.make_head(school=school, first_name="Ann", last_name="Lee")
    poll = factories.make_poll_record(network=network, voters="schools")
    factories.cast_ballot(poll, person=head, school=school, position="disagree", text="No.")
    assert tally(poll).reasons[0].name == "Ann Lee for Cherwell Primary"


@pytest.mark.django_db
def test_single_and_multiple_choice_count_each_option(network):
    poll = factories.make_poll_record(
        network=network, kind="multiple", options=["Reading", "Maths", "Science"]
    )
    factories.cast_ballot(poll, person=factories.make_user(), chosen=["Reading", "Maths"])
    factories.cast_ballot(poll, person=factories.make_user(), chosen=["Maths"])
    counted = tally(poll)
    assert [(c.option.label, c.votes) for c in counted.counts] == [
        ("Reading", 1),
        ("Maths", 2),
        ("Science", 0),
    ]
    assert counted.ballots == 2


@pytest.mark.django_db
def test_ranked_choice_counts_each_round_from_the_ballots(network):
    poll = factories.make_poll_record(network=network, kind="ranked", options=["A", "B", "C"])
    for ranking in (["A"], ["A"], ["B"], ["B"], ["C", "B"]):
        factories.cast_ballot(poll, person=factories.make_user(), ranked=ranking)
    counted = tally(poll)
    assert [[(c.option.label, c.votes) for c in r.counts] for r in counted.rounds] == [
        [("A", 2), ("B", 2), ("C", 1)],
        [("A", 2), ("B", 3)],
    ]
    assert counted.rounds[0].eliminated.label == "C"
    assert counted.winner.label == "B"
    assert counted.ballots == 5


@pytest.mark.django_db
def test_the_best_meeting_slot_has_most_yes_then_most_if_need_be(network):
    poll = factories.make_poll_record(
        network=network, kind="meeting_time", options=["Mon 4pm", "Tue 4pm", "Wed 4pm"]
    )
    answers = [
        {"Mon 4pm": "yes", "Tue 4pm": "yes", "Wed 4pm": "no"},
        {"Mon 4pm": "no", "Tue 4pm": "if_need_be", "Wed 4pm": "yes"},
        {"Mon 4pm": "yes", "Tue 4pm": "yes", "Wed 4pm": "if_need_be"},
    ]
    for answer in answers:
        factories.cast_ballot(poll, person=factories.make_user(), answers=answer)
    counted = tally(poll)
    assert [(s.option.label, s.yes, s.if_need_be, s.no) for s in counted.slots] == [
        ("Mon 4pm", 2, 0, 1),
        ("Tue 4pm", 2, 1, 0),
        ("Wed 4pm", 1, 1, 1),
    ]
    assert counted.best.label == "Tue 4pm"


@pytest.mark.django_db
def test_equal_slots_go_to_the_earliest_listed_and_no_answers_choose_none(network):
    poll = factories.make_poll_record(network=network, kind="meeting_time", options=["Mon", "Tue"])
    assert tally(poll).best is None
    factories.cast_ballot(poll, person=factories.make_user(), answers={"Mon": "yes", "Tue": "yes"})
    assert tally(poll).best.label == "Mon"


@pytest.mark.django_db
def test_a_question_lists_answers_named_when_open_and_unnamed_when_secret(network):
    ann = factories.make_user(first_name="Ann", last_name="Lee")
    open_poll = factories.make_poll_record(network=network, kind="question")
    factories.cast_ballot(open_poll, person=ann, text="More on SEND funding.")
    secret = factories.make_poll_record(network=network, kind="question", secret=True)
    factories.cast_ballot(secret, person=ann, text="More on SEND funding.")
    assert [(a.name, a.text) for a in tally(open_poll).answers] == [
        ("Ann Lee", "More on SEND funding.")
    ]
    assert [(a.name, a.text) for a in tally(secret).answers] == [("", "More on SEND funding.")]


@pytest.mark.django_db
def test_counting_takes_the_same_queries_for_few_and_many_ballots(
    network, django_assert_num_queries
):
    poll = factories.make_poll_record(network=network, kind="ranked", options=["A", "B", "C"])
    factories.cast_ballot(poll, person=factories.make_user(), ranked=["A", "B"])
    with django_assert_num_queries(2):
        tally(poll)
    for _ in range(20):
        factories.cast_ballot(poll, person=factories.make_user(), ranked=["C", "B"])
    with django_assert_num_queries(2):
        tally(poll)
    proposal = factories.make_poll_record(network=network)
    for _ in range(20):
        factories.cast_ballot(proposal, person=factories.make_user(), position="agree", text="Y")
    with django_assert_num_queries(1):
        tally(proposal)
