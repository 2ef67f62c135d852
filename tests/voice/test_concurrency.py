"""Two votes for one school at once, on PostgreSQL where they truly race: a double click,
and the school's seat passing to a new head who votes while the old head's vote is in
flight. Exactly one vote counts for the school."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from networks.models import Membership
from tests import factories
from tests.concurrency import POSTGRES_ONLY, at_the_same_moment
from tests.voice.conftest import seat_holder
from voice import voting
from voice.models import Ballot, BallotChoice, Poll, VoteRecord
from voice.voting import Answers

pytestmark = POSTGRES_ONLY


def _one_vote_for(school, poll):
    assert VoteRecord.objects.filter(poll=poll).count() == 1
    assert VoteRecord.objects.get(poll=poll).school == school
    assert Ballot.objects.filter(poll=poll).count() == 1


@pytest.mark.parametrize("secret", [False, True])
def test_a_head_double_clicking_ten_times_casts_one_vote_for_the_school(secret):
    network = factories.make_network(basis="school")
    head = seat_holder(network)
    school = head.posts.get().school
    poll = factories.make_poll(network=network, voters="schools", kind="proposal", secret=secret)

    results, errors = at_the_same_moment(
        [lambda: voting.cast_ballot(poll=poll, person=head, answers=Answers(position="agree"))
         for _ in range(10)]
    )  # fmt: skip

    _one_vote_for(school, poll)
    if secret:  # the first counts; the others are told the school has voted
        assert len(results) == 1
        assert len(errors) == 9 and all(isinstance(e, ValidationError) for e in errors)
    else:  # each later click changes the vote to what it already was
        assert errors == [] and len({ballot.pk for ballot in results}) == 1


def _hand_over(seat, new_head, school):
    """The seat passes: the old head's membership lapses, the new head takes the seat."""
    with transaction.atomic():
        Membership.objects.select_for_update().filter(pk=seat.pk).update(status="lapsed")
        factories.make_membership(person=new_head, network=seat.network, school=school)


@pytest.mark.parametrize("secret", [False, True])
def test_the_seat_passing_while_the_old_head_s_vote_is_in_flight_leaves_one_vote(secret):
    network = factories.make_network(basis="school")
    old_head = seat_holder(network)
    school = old_head.posts.get().school
    new_head = factories.make_head(school=school)
    seat = Membership.objects.get(person=old_head)
    poll = factories.make_poll(network=network, voters="schools", kind="proposal", secret=secret)
    outcome = {}

    def vote(person, position):
        try:
            outcome[position] = voting.cast_ballot(
                poll=poll, person=person, answers=Answers(position=position)
            )
        except ValidationError as error:
            outcome[position] = error
        finally:
            connection.close()

    # Hold the poll's row, so the old head's vote is in flight (waiting to be counted)
    # while the seat passes and the new head votes too.
    with transaction.atomic():
        Poll.objects.select_for_update().get(pk=poll.pk)
        old = threading.Thread(target=vote, args=(old_head, "agree"))
        old.start()
        _wait_for_a_lock_waiter()
        handover = threading.Thread(target=_in_thread, args=(_hand_over, seat, new_head, school))
        handover.start()
        handover.join(timeout=30)
        new = threading.Thread(target=vote, args=(new_head, "disagree"))
        new.start()
        _wait_for_a_lock_waiter(count=2)
    old.join(timeout=30)
    new.join(timeout=30)

    _one_vote_for(school, poll)
    # Whichever was counted first, the old head had lost the seat by then: refused.
    assert isinstance(outcome["agree"], ValidationError)
    assert "seat" in " ".join(outcome["agree"].messages)
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.position == "disagree"
    assert BallotChoice.objects.filter(ballot=ballot).count() == 0


def _in_thread(work, *args):
    try:
        work(*args)
    finally:
        connection.close()


def _wait_for_a_lock_waiter(count=1):
    """Until `count` other connections are waiting on a lock (the poll's row)."""
    for _ in range(200):
        with connection.cursor() as cursor:
            # The statistics are read once per transaction unless cleared (we are in one).
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(0.05)
    raise AssertionError("the votes never reached the poll's lock")
