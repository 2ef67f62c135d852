"""The articles feed and the stories queue use a fixed number of queries however long."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

# Pinned: the network and its articles with their authors (the feed, for a visitor); the
# viewer, the network with their membership, the inbox, and the stories waiting,
# returned and decided, each with its author (the coordinators' queue).
FEED_MAX_QUERIES = 3
MODERATION_MAX_QUERIES = 7


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _add(network, count):
    for number in range(count):
        author = factories.make_head()
        factories.make_article(network=network, title=f"Article {number}", authors=[author])
        for state in ("submitted", "returned", "published", "rejected"):
            factories.make_story(network=network, state=state, author=author)


@pytest.mark.parametrize(
    ("page", "limit"), [("feed", FEED_MAX_QUERIES), ("moderation", MODERATION_MAX_QUERIES)]
)
def test_the_feed_and_the_stories_queue_do_not_grow_with_their_rows(
    client, network, coordinator, page, limit, django_assert_max_num_queries
):
    if page == "moderation":
        client.force_login(coordinator)
    url = reverse(f"articles:{page}", args=[network.slug])
    _add(network, 2)
    few = _queries(client, url)

    _add(network, 15)

    with django_assert_max_num_queries(limit):
        many = _queries(client, url)
    assert many == few
