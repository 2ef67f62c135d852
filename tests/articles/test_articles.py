"""Articles: who reads what, writing and publishing, the feed, the latest on other pages."""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from articles import services
from articles.models import Article
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _detail(article):
    return reverse("articles:detail", args=[article.network.slug, article.slug])


def test_visitors_read_public_articles_and_see_no_members_only_ones_listed(client, network):
    factories.make_article(network=network, title="For everyone")
    factories.make_article(network=network, title="For members", audience="members")
    factories.make_article(network=network, title="Half written", state="draft")

    content = client.get(reverse("articles:list", args=[network.slug])).content.decode()

    assert "For everyone" in content
    assert "For members" not in content
    assert "Half written" not in content


def test_members_see_members_only_articles_listed(client, network, member):
    factories.make_article(network=network, title="For members", audience="members")
    client.force_login(member)

    content = client.get(reverse("articles:list", args=[network.slug])).content.decode()

    assert "For members" in content
    assert "Continue reading" in content


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("visitor", 302), ("head", 403), ("outsider_member", 403), ("member", 200), ("staff", 200)],
)
def test_a_members_only_article_is_for_members(client, network, request, persona, expected):
    article = factories.make_article(network=network, audience="members", body="Secret plan")
    if persona != "visitor":
        client.force_login(request.getfixturevalue(persona))

    response = client.get(_detail(article))

    assert response.status_code == expected
    assert ("Secret plan" in response.content.decode()) == (expected == 200)


def test_a_draft_is_seen_only_by_coordinators_and_its_named_authors(
    client, network, member, coordinator
):
    author = factories.make_head()
    factories.make_membership(person=author, network=network)
    article = factories.make_article(network=network, state="draft", authors=[author])

    for person, expected in [(member, 404), (author, 200), (coordinator, 200)]:
        client.force_login(person)
        assert client.get(_detail(article)).status_code == expected


def test_another_network_s_article_is_not_found_under_this_network(client, network, other_network):
    article = factories.make_article(network=other_network)

    response = client.get(reverse("articles:detail", args=[network.slug, article.slug]))

    assert response.status_code == 404


def test_a_coordinator_writes_a_draft_naming_an_author_then_publishes_it(
    client, network, coordinator, member
):
    client.force_login(coordinator)

    response = client.post(
        reverse("articles:create", args=[network.slug]),
        {
            "title": "What I have learned about supporting headteachers",
            "summary": "Ten years of it.",
            "body": "First, *listen*.<script>alert(1)</script>",
            "audience": "public",
            "authors": [member.pk],
        },
    )

    article = Article.objects.get()
    assert response.status_code == 302
    assert article.slug == "what-i-have-learned-about-supporting-headteachers"
    assert not article.is_published
    assert list(article.authors.all()) == [member]
    assert "<em>listen</em>" in article.body_html and "<script>" not in article.body_html
    client.post(reverse("articles:publish", args=[network.slug, article.slug]))
    article.refresh_from_db()
    assert article.is_published and article.published_at is not None


def test_a_named_author_edits_but_cannot_publish_or_rename_the_authors(
    client, network, member, head
):
    article = factories.make_article(network=network, state="draft", authors=[member])
    client.force_login(member)

    form = client.get(reverse("articles:edit", args=[network.slug, article.slug]))
    client.post(
        reverse("articles:edit", args=[network.slug, article.slug]),
        {"title": "Better title", "summary": "S", "body": "B", "audience": "public",
         "authors": [head.pk]},
    )  # fmt: skip
    publish = client.post(reverse("articles:publish", args=[network.slug, article.slug]))

    article.refresh_from_db()
    assert 'name="authors"' not in form.content.decode()
    assert article.title == "Better title"
    assert list(article.authors.all()) == [member]
    assert publish.status_code == 403
    assert not article.is_published


def test_an_author_who_left_the_network_can_no_longer_edit(client, network, head):
    article = factories.make_article(network=network, authors=[head])
    client.force_login(head)

    response = client.get(reverse("articles:edit", args=[network.slug, article.slug]))

    assert response.status_code == 403


def test_editing_the_text_after_publication_shows_an_updated_date(client, network):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC)):
        article = factories.make_article(network=network)
    with time_machine.travel(datetime.datetime(2026, 4, 20, 12, tzinfo=datetime.UTC)):
        services.update_article(article=article, body="A corrected paragraph.")

    content = client.get(_detail(article)).content.decode()

    assert "Published 2 March 2026" in content
    assert "Updated 20 April 2026" in content


def test_editing_a_draft_or_only_its_audience_is_not_an_update(network):
    draft = factories.make_article(network=network, state="draft")
    published = factories.make_article(network=network, title="Out")

    services.update_article(article=draft, body="New")
    services.update_article(article=published, audience="members")

    assert draft.revised_at is None and published.revised_at is None


def test_the_atom_feed_lists_public_articles_and_parses(client, network):
    factories.make_article(network=network, title="Open letter", authors=[factories.make_user(
        first_name="Ann", last_name="Lee")])  # fmt: skip
    factories.make_article(network=network, title="For members", audience="members")
    factories.make_article(network=network, title="Half written", state="draft")

    response = client.get(reverse("articles:feed", args=[network.slug]))

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed, in a test)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Open letter"]
    assert entries[0].findtext(f"{ATOM}author/{ATOM}name") == "Ann Lee"
    assert entries[0].find(f"{ATOM}link").get("href").endswith("/articles/open-letter/")
    assert feed.findtext(f"{ATOM}title") == f"Articles of {network.name}"


def test_the_network_page_and_the_home_page_show_the_latest_articles(client, network):
    factories.make_article(network=network, title="Open letter to the minister")
    factories.make_article(network=network, title="For members", audience="members")

    network_page = client.get(reverse("networks:detail", args=[network.slug])).content.decode()
    home = client.get(reverse("home")).content.decode()

    for content in (network_page, home):
        assert "Open letter to the minister" in content
        assert "Continue reading" in content
        assert "For members" not in content


def test_a_network_without_articles_shows_no_articles_section_to_visitors(client, network):
    content = client.get(reverse("networks:detail", args=[network.slug])).content.decode()

    assert "Latest articles" not in content


def test_the_article_slug_never_takes_the_address_of_the_new_article_page(network):
    article = factories.make_article(network=network, title="New")
    again = factories.make_article(network=network, title="New")

    assert (article.slug, again.slug) == ("new-2", "new-3")


def _articles(network, count):
    for number in range(count):
        author = factories.make_user()
        factories.make_article(network=network, title=f"Article {number}", authors=[author])


def test_the_articles_list_costs_the_same_queries_for_few_and_many(
    client, network, member, django_assert_max_num_queries
):
    client.force_login(member)
    url = reverse("articles:list", args=[network.slug])
    _articles(network, 2)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    _articles(network, 12)
    with django_assert_max_num_queries(12) as many:
        client.get(url)

    assert len(few.captured_queries) == len(many.captured_queries)


# Issue 21, item 11: feed readers find the feed, and read public articles in full.


@pytest.mark.parametrize("page", ["list", "detail"])
def test_the_articles_pages_name_their_feed_in_the_head_for_feed_readers(client, network, page):
    article = factories.make_article(network=network, title="Open letter")
    url = reverse("articles:list", args=[network.slug]) if page == "list" else _detail(article)

    content = client.get(url).content.decode()

    head = content.split("</head>")[0]
    feed = reverse("articles:feed", args=[network.slug])
    assert '<link rel="alternate" type="application/atom+xml"' in head
    assert f'href="{feed}"' in head


def test_the_feed_carries_the_full_sanitised_text_of_a_public_article(client, network):
    factories.make_article(
        network=network,
        title="Open letter",
        summary="Why we wrote.",
        body="The **whole** argument, to the end.\n\n<script>alert(1)</script>",
    )
    factories.make_article(
        network=network, title="For members", audience="members", body="Members' own words."
    )

    response = client.get(reverse("articles:feed", args=[network.slug]))

    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed, in a test)
    [entry] = feed.findall(f"{ATOM}entry")
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "<strong>whole</strong> argument, to the end." in content.text
    assert "<script>" not in content.text
    assert entry.findtext(f"{ATOM}summary") == "Why we wrote."
    # A members' article is not in the public feed at all: neither its words nor its title.
    assert "Members' own words" not in response.content.decode()
    assert "For members" not in response.content.decode()


# The home page's articles are rendered once for everyone (core.sharedparts): a
# signed-in head sees each change to them at once.


def test_a_signed_in_head_sees_an_article_on_the_home_page_as_soon_as_it_is_published(
    client, network
):
    client.force_login(factories.make_head())
    article = factories.make_article(
        network=network, title="Open letter to the minister", state=Article.State.DRAFT
    )
    assert "Open letter to the minister" not in client.get(reverse("home")).content.decode()

    services.publish_article(article=article)
    assert "Open letter to the minister" in client.get(reverse("home")).content.decode()

    services.unpublish_article(article=article)
    assert "Open letter to the minister" not in client.get(reverse("home")).content.decode()


def test_a_signed_in_head_sees_an_edited_article_title_on_the_home_page_at_once(client, network):
    client.force_login(factories.make_head())
    article = factories.make_article(network=network, title="Open letter to the minister")
    client.get(reverse("home"))

    article.title = "Second letter to the minister"
    article.save()

    assert "Second letter to the minister" in client.get(reverse("home")).content.decode()


def test_a_members_article_stays_off_the_home_page_a_member_filled(network):
    member, head = Client(), Client()
    insider = factories.make_head()
    factories.make_membership(person=insider, network=network)
    member.force_login(insider)
    head.force_login(factories.make_head())
    factories.make_article(network=network, title="Open letter to the minister")
    factories.make_article(network=network, title="For members", audience="members")

    articles = member.get(reverse("articles:list", args=[network.slug])).content.decode()
    assert "For members" in articles
    member.get(reverse("home"))
    for client in (head, Client()):
        page = client.get(reverse("home")).content.decode()
        assert "Open letter to the minister" in page
        assert "For members" not in page
