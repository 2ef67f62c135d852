"""Searching a network's threads: PostgreSQL's full-text search there, a plain match on
SQLite; either way only the network's own threads and only posts still shown."""

import pytest
from django.db import connection
from django.urls import reverse

from discussions import services
from tests import factories
from tests.discussions.conftest import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def threads(network, other_network, member, coordinator):
    supply = factories.make_thread(
        network=network, author=member, title="Supply cover", body="Which agency do you use?"
    )
    services.add_post(thread=supply, author=member, body="We pay the teachers directly.")
    factories.make_thread(network=network, author=member, title="Ofsted", body="Inspection news")
    hidden = factories.make_thread(
        network=network, author=member, title="Budget", body="A secret about governors"
    )
    services.hide_post(post=hidden.posts.get(), by=coordinator, reason="Confidential")
    factories.make_thread(network=other_network, title="Elsewhere", body="Inspection and agency")
    return supply


def _found(client, network, words) -> str:
    response = client.get(reverse("discussions:thread_list", args=[network.slug]), {"q": words})
    assert response.status_code == 200
    return page_text(response)


def test_search_finds_threads_by_title_and_by_post(client, network, member, threads):
    client.force_login(member)
    by_title = _found(client, network, "supply")
    assert "Supply cover" in by_title and "Ofsted" not in by_title
    by_reply = _found(client, network, "teachers")
    assert "Supply cover" in by_reply
    assert "Ofsted" in _found(client, network, "inspection")


def test_search_keeps_to_the_network_and_to_posts_still_shown(client, network, member, threads):
    client.force_login(member)
    found = _found(client, network, "agency")
    assert "Supply cover" in found and "Elsewhere" not in found
    assert "No thread matches" in _found(client, network, "governors")


def test_search_stems_words_on_postgresql(client, network, member, threads):
    if connection.vendor != "postgresql":
        pytest.skip("full-text search is PostgreSQL's")
    client.force_login(member)
    # "inspections" finds "Inspection": English stemming.
    assert "Ofsted" in _found(client, network, "inspections")
    # Web-search syntax: a phrase, or a word left out.
    assert "Supply cover" in _found(client, network, "agency -inspection")
