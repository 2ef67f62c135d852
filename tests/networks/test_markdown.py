"""A network's about text is Markdown, and nothing in it can run script."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE_ABOUT = """\
We meet **six times a year**. See [our site](https://example.org/heads).

<script>alert("script tag")</script>

<img src="x.png" onerror="alert('onerror')">

[Click me](javascript:alert('javascript link'))
"""


@pytest.fixture
def hostile_network():
    return factories.make_network(about=HOSTILE_ABOUT)


def test_script_event_handlers_and_javascript_links_are_removed_from_the_about_html(
    hostile_network,
):
    html = hostile_network.about_html

    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "alert(" not in html


def test_the_rest_of_the_about_text_is_kept_as_formatted_html(hostile_network):
    html = hostile_network.about_html

    assert "<strong>six times a year</strong>" in html
    assert 'href="https://example.org/heads"' in html
    assert "Click me" in html


def test_the_network_page_shows_none_of_the_hostile_markup(client, hostile_network):
    html = client.get(hostile_network.get_absolute_url()).content.decode()

    assert "<strong>six times a year</strong>" in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "alert(" not in html


def test_editing_the_about_text_renders_it_again(hostile_network):
    hostile_network.about = "Now *plain*."
    hostile_network.save()

    assert hostile_network.about_html == "<p>Now <em>plain</em>.</p>"
