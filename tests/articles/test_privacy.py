import pytest

from articles.models import Article
from portal import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_closing_an_account_keeps_the_network_s_articles_without_the_author(network):
    author = factories.make_head(first_name="Ann", last_name="Lee")
    other = factories.make_head(first_name="Bob", last_name="Roe")
    shared = factories.make_article(network=network, title="Shared", authors=[author, other])
    alone = factories.make_article(network=network, title="Alone", authors=[author])
    Article.objects.filter(pk=alone.pk).update(created_by=author)

    data = services.personal_data(author)
    services.close_account(person=author)

    assert sorted(row["title"] for row in data["articles_written"]) == ["Alone", "Shared"]
    assert list(shared.authors.all()) == [other]
    alone.refresh_from_db()
    assert alone.byline == network.label and alone.created_by is None


def test_the_download_lists_stories_told_by_name_only(network):
    author = factories.make_head()
    factories.make_story(network=network, author=author, title="By name")
    factories.make_story(network=network, title="Anonymous")

    data = services.personal_data(author)

    assert [row["title"] for row in data["stories_by_name"]] == ["By name"]
