"""The visitor cache and a forged Host header (issue 19, finding 11)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from core import pagecache
from tests import factories
from tests.core.test_pagecache import _visitor_request

pytestmark = pytest.mark.django_db


def test_a_request_naming_another_host_does_not_change_the_feed_the_next_visitor_gets(
    client, settings
):
    """The attack: one request with a Host of the attacker's choosing (one the site
    answers to) made every visitor's Atom feed link there for five minutes."""
    settings.SITE_URL = "https://headnet.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "attacker.example"]
    network = factories.make_network(name="Cherwell Primary Heads")
    article = factories.make_article(network=network, title="On governance")
    url = reverse("articles:feed", args=[network.slug])

    forged = client.get(url, headers={"host": "attacker.example"})
    next_visitor = client.get(url)

    for response in (forged, next_visitor):
        content = response.content.decode()
        assert "attacker.example" not in content
        assert f'href="https://headnet.example.org{article.get_absolute_url()}"' in content
        assert (
            f'href="https://headnet.example.org/networks/{network.slug}/articles.atom"' in content
        )


def test_each_host_gets_its_own_cached_page(rf: RequestFactory):
    """A page that did build a link from the request keeps it to the host it was asked on."""
    cached = pagecache.cached_for_visitors(pagecache.SITE)(
        lambda request: HttpResponse(request.get_host())
    )

    def visit(host):
        request = _visitor_request(rf)
        request.META["HTTP_HOST"] = host
        return cached(request).content.decode()

    with override_settings(ALLOWED_HOSTS=["testserver", "other.example"]):
        assert visit("other.example") == "other.example"
        assert visit("testserver") == "testserver"
