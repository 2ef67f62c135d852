"""An anonymous story's private page in a real browser: its token leaves in no Referer,
and its own forms still pass the CSRF check (issue 19, finding 2)."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Story
from tests import factories

pytestmark = pytest.mark.e2e

TOKEN = "Zq3xW9-the-authors-private-token"


def test_the_private_page_sends_no_path_as_referrer_and_its_author_can_withdraw(page, server):
    network = factories.make_network(name="Heads Up")
    story = factories.make_story(network=network, token=TOKEN, title="My first winter")
    requests = []
    page.on("request", lambda request: requests.append(request))

    page.goto(f"{server.url}/networks/{network.slug}/stories/private/{TOKEN}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your story: My first winter")
    sent_from_page = [r for r in requests if r.url != page.url]
    referrers = {r.url: r.all_headers().get("referer") for r in sent_from_page}
    page.get_by_role("button", name="Withdraw and delete my story").click()

    assert any("/static/" in url for url in referrers)  # the page's style sheet, at least
    assert set(referrers.values()) == {server.url + "/"}  # the origin, never the path
    expect(page.get_by_text("Your story is withdrawn and deleted.")).to_be_visible()
    assert re.search(rf"/networks/{network.slug}/stories/$", page.url)
    assert not Story.objects.filter(pk=story.pk).exists()
