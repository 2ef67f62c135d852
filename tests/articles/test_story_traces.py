"""An anonymous story's private link leaves no trace in any log, nor in any Referer
(issue 19, finding 2): each test replays one of the attacks."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Story
from tests import factories
from tests.logs import access_line, access_line_of, site_log

pytestmark = pytest.mark.django_db

TOKEN = "Zq3xW9-the-authors-private-token"


@pytest.fixture
def story(network):
    return factories.make_story(network=network, token=TOKEN)


def _private(network, *rest):
    return reverse("articles:story_private", args=[network.slug, TOKEN]) + "".join(rest)


def test_a_404_under_a_story_s_private_path_writes_no_token_to_any_log(client, network, story):
    with site_log() as log:
        response = client.get(_private(network, "nothing-here/"))

    assert response.status_code == 404
    assert "Not Found: [a story's private path]" in log.getvalue()
    assert TOKEN not in log.getvalue()
    assert access_line_of(response) == ""


def test_a_csrf_failure_on_a_story_s_private_page_writes_no_token_to_any_log(network, story):
    browser = Client(enforce_csrf_checks=True)

    with site_log() as log:
        response = browser.post(reverse("articles:story_withdraw", args=[network.slug, TOKEN]))

    assert response.status_code == 403
    assert "Forbidden (CSRF cookie not set.): [a story's private path]" in log.getvalue()
    assert TOKEN not in log.getvalue()
    assert access_line_of(response) == ""
    assert Story.objects.filter(pk=story.pk).exists()


def test_a_csrf_failure_on_the_story_form_writes_no_story_path_to_any_log(network, head):
    factories.make_story(network=network)  # the network takes stories
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(head)

    with site_log() as log:
        response = browser.post(reverse("articles:story_new", args=[network.slug]), {})

    assert response.status_code == 403
    assert "/stories/new/" not in log.getvalue()
    assert access_line_of(response) == ""


def test_a_page_loaded_from_a_story_s_private_page_writes_no_token_to_any_log(
    client, network, story
):
    """A sub-resource or a followed link: its Referer is the private page."""
    referrer = "http://testserver" + _private(network)

    with site_log() as log:
        page = client.get("/static/css/missing.css", headers={"referer": referrer})
        link = client.get(
            reverse("articles:stories", args=[network.slug]), headers={"referer": referrer}
        )

    assert page.status_code == 404 and link.status_code == 200
    assert TOKEN not in log.getvalue()
    assert access_line_of(page) == access_line_of(link) == ""


def test_story_pages_send_only_the_site_s_address_as_referrer(client, network, story, head):
    """strict-origin: a link, style sheet or script on these pages carries no path."""
    client.force_login(head)
    form = client.get(reverse("articles:story_new", args=[network.slug]))
    sent = client.post(
        reverse("articles:story_new", args=[network.slug]),
        {"title": "My year", "body": "It was hard.", "shown_as": "anonymous"},
    )
    shown = client.get(sent["Location"])
    client.logout()
    private = client.get(_private(network))
    withdrawn = client.post(reverse("articles:story_withdraw", args=[network.slug, TOKEN]))
    elsewhere = client.get(reverse("articles:stories", args=[network.slug]))

    assert shown.status_code == private.status_code == 200
    assert sent.status_code == withdrawn.status_code == 302
    for response in (form, sent, shown, private, withdrawn):
        assert response["Referrer-Policy"] == "strict-origin"
    # Elsewhere, another site learns our address only; we see our own paths.
    assert elsewhere["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_private_page_s_forms_pass_the_csrf_check_with_the_origin_its_policy_sends(
    network, story
):
    """Why strict-origin and not no-referrer: under no-referrer a browser posts the page's
    forms with "Origin: null", which Django's CSRF check refuses (the author could not
    withdraw); under strict-origin it sends the site's origin."""
    browser = Client(enforce_csrf_checks=True)
    browser.get(_private(network))
    token = browser.cookies["csrftoken"].value
    withdraw = reverse("articles:story_withdraw", args=[network.slug, TOKEN])

    under_no_referrer = browser.post(
        withdraw, {"csrfmiddlewaretoken": token}, headers={"origin": "null"}
    )
    under_strict_origin = browser.post(
        withdraw, {"csrfmiddlewaretoken": token}, headers={"origin": "http://testserver"}
    )

    assert under_no_referrer.status_code == 403
    assert under_strict_origin.status_code == 302
    assert not Story.objects.filter(pk=story.pk).exists()


def test_the_story_form_s_private_link_shows_the_site_s_address(client, network, head, settings):
    settings.SITE_URL = "https://headnet.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "elsewhere.example"]
    factories.make_story(network=network)
    client.force_login(head)

    sent = client.post(
        reverse("articles:story_new", args=[network.slug]),
        {"title": "My year", "body": "It was hard.", "shown_as": "anonymous"},
        headers={"host": "elsewhere.example"},
        follow=True,
    )

    content = sent.content.decode()
    assert f">https://headnet.example.org/networks/{network.slug}/stories/private/" in content
    assert f'href="/networks/{network.slug}/stories/private/' in content  # followed here
    assert "elsewhere.example" not in content


def test_a_static_file_from_another_page_is_still_logged():
    line = access_line({"PATH_INFO": "/static/css/site.css", "HTTP_REFERER": "http://h/"})

    assert "/static/css/site.css" in line


def test_the_page_that_shows_the_link_once_writes_no_access_line(client, network, head):
    """Issue 21, item 11: sharing now redirects to a page of its own; it is under the
    story form's path, so neither the redirect nor the page is in any log."""
    factories.make_story(network=network)  # the network takes stories
    client.force_login(head)

    with site_log() as log:
        sent = client.post(
            reverse("articles:story_new", args=[network.slug]),
            {"title": "My year", "body": "It was hard.", "shown_as": "anonymous"},
        )
        shown = client.get(sent["Location"])

    token = shown.content.decode().split("/stories/private/")[1].split("/")[0]
    assert shown.status_code == 200 and token
    assert access_line_of(sent) == access_line_of(shown) == ""
    assert token not in log.getvalue()
