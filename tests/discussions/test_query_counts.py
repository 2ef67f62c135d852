"""The discussions' pages ask a fixed number of questions however many threads, posts or
reports there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discussions import services
from discussions.models import Post, Thread
from tests import factories

pytestmark = pytest.mark.django_db

# The viewer, the network, their membership, the page of threads with who started
# them (a row past the page), and for a coordinator the count of open reports.
LIST_MAX_QUERIES = 5
# The viewer, the thread (with its network and workhub), their membership (with their
# follow and network preference), the page's posts with their authors and what they
# quote; and for site staff, who have no membership, the thread's email choice (from the
# email part's template tag).
THREAD_MAX_QUERIES = 5
# Once the thread and its page of posts are kept: the viewer and their membership.
THREAD_KEPT_QUERIES = 2
# The viewer, the network, their membership, the open reports with their posts,
# threads, authors and reporters.
REPORTS_MAX_QUERIES = 4


def _queries(client, url, **query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(captured)


def _posters(network, count):
    people = [factories.make_head() for _ in range(count)]
    for person in people:
        factories.make_membership(person=person, network=network)
    return people


def test_the_thread_list_does_not_grow_with_threads(client, network, coordinator):
    client.force_login(coordinator)
    url = reverse("discussions:thread_list", args=[network.slug])
    factories.make_thread(network=network)
    few = _queries(client, url)
    for person in _posters(network, 30):
        factories.make_thread(network=network, author=person)
    many = _queries(client, url)
    assert few == many <= LIST_MAX_QUERIES
    # The last page costs what the first did (less the network, kept by now).
    assert _queries(client, url, page="last") == many - 1
    assert _queries(client, url, q="supply") <= LIST_MAX_QUERIES


def test_a_thread_page_does_not_grow_with_posts(client, network, member, coordinator):
    thread = factories.make_thread(network=network, author=member)
    client.force_login(coordinator)
    url = reverse("discussions:thread", args=[network.slug, thread.pk])
    few = _queries(client, url)
    posters = _posters(network, 10)
    for number in range(80):
        post = services.add_post(
            thread=thread, author=posters[number % 10], body=f"Post {number}",
            quotes=thread.posts.get(number=1) if number % 3 else None,
        )  # fmt: skip
        if number % 7 == 0:
            services.edit_post(post=post, by=posters[number % 10], body="Changed")
    many = _queries(client, url)
    assert few == many <= THREAD_MAX_QUERIES
    assert _queries(client, url) == THREAD_KEPT_QUERIES
    # The last page of a long thread costs what the first does (the thread is kept).
    assert _queries(client, url, page="last") == many - 1
    assert _queries(client, url, page="last") == THREAD_KEPT_QUERIES
    # A "Quote" link is another address (its page links keep the quote): the page's
    # posts are read for it, and a post quoted from another page is one more row.
    assert _queries(client, url, page="last", quote=80) == THREAD_KEPT_QUERIES + 1
    assert _queries(client, url, page="last", quote=3) == THREAD_KEPT_QUERIES + 2


def test_the_reports_page_does_not_grow_with_reports(client, network, member, coordinator):
    client.force_login(coordinator)
    url = reverse("discussions:reports", args=[network.slug])
    thread = factories.make_thread(network=network, author=member, replies=20)
    reporters = _posters(network, 20)
    services.report_post(post=thread.posts.get(number=1), by=reporters[0], reason="One")
    client.get(url)  # the first visit's work: the network, kept after it
    few = _queries(client, url)
    for number, reporter in enumerate(reporters):
        services.report_post(post=thread.posts.get(number=number + 2), by=reporter, reason="x")
    many = _queries(client, url)
    assert few == many <= REPORTS_MAX_QUERIES


def test_the_last_page_of_thousands_of_posts_is_a_range_of_numbers(client, network, member):
    thread = factories.make_thread(network=network, author=member)
    # Made in bulk, as the service would number them: the service is tested elsewhere.
    Post.objects.bulk_create(
        Post(thread=thread, number=number, author=member, body=f"Post {number}",
             body_html=f"<p>Post {number}</p>")
        for number in range(2, 3001)
    )  # fmt: skip
    Thread.objects.filter(pk=thread.pk).update(post_count=3000)
    client.force_login(member)
    url = reverse("discussions:thread", args=[network.slug, thread.pk])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page": "last"})
    assert len(captured) <= THREAD_MAX_QUERIES
    text = response.content.decode()
    assert "Post 2976<" in text and "Post 3000<" in text and "Post 2975<" not in text
    posts_query = next(
        q["sql"] for q in captured.captured_queries if "discussions_post" in q["sql"]
    )
    assert "OFFSET" not in posts_query.upper() and "COUNT" not in posts_query.upper()
