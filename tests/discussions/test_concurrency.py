"""Replies at the same moment, on PostgreSQL where they truly race: each gets its own
number, one after another, and the thread's count agrees (pages are ranges of numbers)."""

from discussions import services
from tests import factories
from tests.concurrency import POSTGRES_ONLY, at_the_same_moment

pytestmark = POSTGRES_ONLY


def test_ten_replies_at_once_are_numbered_two_to_eleven():
    network = factories.make_network()
    thread = factories.make_thread(network=network)
    author = thread.started_by

    results, errors = at_the_same_moment(
        [lambda n=n: services.add_post(thread=thread, author=author, body=f"Reply {n}")
         for n in range(10)]
    )  # fmt: skip

    assert errors == []
    assert sorted(post.number for post in results) == list(range(2, 12))
    thread.refresh_from_db()
    assert thread.post_count == 11
