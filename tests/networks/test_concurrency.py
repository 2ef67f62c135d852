"""Two requests at the same moment, on PostgreSQL where they really run side by side."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from members.models import Post
from networks import eligibility, services
from networks.models import Membership, Network
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers, so two joins cannot race; run with DATABASE_URL "
        "pointing at PostgreSQL",
    ),
]


def _at_the_same_moment(count: int, work):
    """Run work() in `count` threads released together; return results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as error:  # the test reports it
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


@pytest.mark.parametrize("policy", [Network.JoinPolicy.OPEN, Network.JoinPolicy.APPROVAL])
def test_two_joins_at_the_same_moment_make_one_membership(head, network, administrator, policy):
    network.join_policy = policy
    network.save()

    results, errors = _at_the_same_moment(
        2, lambda: services.join_network(person=head, network=network)
    )

    assert errors == []
    live = Membership.objects.live().filter(person=head, network=network)
    assert live.count() == 1
    assert [membership.pk for membership in results] == [live.get().pk] * 2
    # A request is announced to the administrators once, not once per click.
    assert len(mail.outbox) == (1 if policy == Network.JoinPolicy.APPROVAL else 0)


def test_two_heads_of_one_school_joining_at_once_get_one_seat_and_the_other_is_told(
    monkeypatch,
):
    network = factories.make_network(basis=Network.Basis.SCHOOL)
    school = factories.make_school(name="Cherwell Primary")
    heads = [
        factories.make_head(school=school),
        factories.make_user(),
    ]
    factories.make_post(person=heads[1], school=school, role=Post.Role.HEAD_OF_SCHOOL)
    # Both pages were loaded while the seat was free, so both clicks pass the check and
    # race to the database (what two real clicks a moment apart do).
    options = {head.pk: eligibility.join_option_for(network, head) for head in heads}
    monkeypatch.setattr(
        eligibility, "join_option_for", lambda network, person, membership=None: options[person.pk]
    )
    people = iter(heads)
    lock = threading.Lock()

    def join():
        with lock:
            person = next(people)
        return services.join_network(person=person, network=network)

    results, errors = _at_the_same_moment(2, join)

    seat = Membership.objects.live().get(network=network)
    assert [membership.pk for membership in results] == [seat.pk]
    assert [type(error) for error in errors] == [ValidationError]
    assert (
        f"Cherwell Primary's seat in {network.label} was taken a moment ago"
        in (errors[0].messages[0])
    )
