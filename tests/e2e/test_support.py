"""Journeys 7 and 8 of DESIGN.md section 4 on the demo data, with and without JavaScript:
a new head is paired with a mentor by a broker; a head in crisis asks Heads Up's coaches
and one takes it. Nobody else sees either."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from support.models import Pairing, SupportRequest
from tests.e2e.conftest import check_page
from tests.e2e.test_networks import DEMO_PASSWORD, sign_in, sign_out


@pytest.fixture
def demo(server):
    call_command("seed_demo", password=DEMO_PASSWORD, force=True, stdout=io.StringIO())
    mail.outbox.clear()
    return server


def _status(page, url):
    return page.request.get(url).status


def test_a_new_head_asks_for_a_mentor_and_a_broker_pairs_them(page, demo):
    sign_in(page, demo, "special.head@example.org")
    page.goto(demo.url + "/mentoring/")
    check_page(page, "mentoring-home")
    page.get_by_role("link", name="Ask for a mentor").click()
    check_page(page, "mentor-ask")
    page.get_by_label("Anything that would help the match").fill("Budget setting")
    page.get_by_role("button", name="Ask for a mentor").click()
    expect(page.get_by_text("Your request is with the scheme's brokers.")).to_be_visible()
    sign_out(page)

    sign_in(page, demo, "oxon.special.head1@example.org")
    page.goto(demo.url + "/mentoring/")
    page.get_by_role("link", name="OASSH mentoring for new heads").click()
    check_page(page, "broker-home")
    page.get_by_role("button", name=re.compile("Propose Ruth Ellery")).click()
    expect(page.get_by_text("Pairing proposed")).to_be_visible()
    check_page(page, "pairing-proposed")
    pairing = Pairing.objects.get(mentee__email="special.head@example.org")
    pairing_url = f"{demo.url}/mentoring/pairings/{pairing.pk}/"
    sign_out(page)

    for email in ["mentor@example.org", "special.head@example.org"]:
        sign_in(page, demo, email)
        page.goto(pairing_url)
        page.get_by_role("button", name="Accept").click()
        expect(page.get_by_text("You have accepted")).to_be_visible()
        sign_out(page)
    check_page(page, "signed-out")
    pairing.refresh_from_db()
    assert pairing.state == "active"

    for email in ["coordinator@example.org", "staff@example.org", "oxon.special.head2@example.org"]:
        sign_in(page, demo, email)
        assert _status(page, pairing_url) == 404, email
        sign_out(page)


def test_a_head_in_crisis_asks_heads_up_and_one_coach_takes_it(page, demo):
    sign_in(page, demo, "primary.head@example.org")
    page.goto(demo.url + "/networks/heads-up/")
    page.get_by_role("link", name=re.compile("Confidential coaching")).click()
    check_page(page, "support-ask")
    page.get_by_role("button", name="Send to the coaches").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the errors")
    page.get_by_label("Someone to talk to").check()
    page.get_by_label("Phone call").check()
    page.get_by_label("When suits you").fill("After 6pm")
    page.get_by_role("button", name="Send to the coaches").click()
    expect(page.get_by_text("Your request is with the coaches.")).to_be_visible()
    check_page(page, "support-request-requester")
    item = SupportRequest.objects.get(requester__email="primary.head@example.org")
    request_url = f"{demo.url}/networks/heads-up/support/{item.pk}/"
    assert all("After 6pm" not in message.body for message in mail.outbox)
    assert {message.subject for message in mail.outbox} == {
        "[Headnet] A request is waiting in Headnet"
    }
    sign_out(page)

    sign_in(page, demo, "coach@example.org")
    page.goto(demo.url + "/me/")
    page.get_by_role("link", name=re.compile("Coaching requests for")).click()
    check_page(page, "support-coach")
    page.goto(request_url)
    check_page(page, "support-request-coach")
    page.get_by_role("button", name="Take this request").click()
    expect(page.get_by_text("You have taken this request")).to_be_visible()
    sign_out(page)

    for email in ["essex.head4@example.org", "staff@example.org", "essex.head1@example.org"]:
        sign_in(page, demo, email)  # the other coach, site staff, another head
        assert _status(page, request_url) == 404, email
        sign_out(page)

    sign_in(page, demo, "primary.head@example.org")
    page.goto(request_url)
    expect(page.get_by_text("A coach has taken it")).to_be_visible()
    # Opened twice: from the queue, and again on the page shown after taking it.
    expect(page.get_by_text(re.compile("Helen Marsh,"))).to_have_count(2)
