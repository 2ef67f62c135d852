"""Issue 21, items 6, 10 and 11 in a real browser, at desktop and phone width with axe: an
Essex head writes to an interim head from the leaders directory; the account pages and
Contact Headnet; a member's network page on a phone; a story's link shown once; a receipt."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from articles.models import Story
from fees.models import FeeInvoice
from leaders.models import LeaderMessage
from members.models import User
from tests.e2e.conftest import VIEWPORTS, check_page, seed_demo
from tests.e2e.test_networks import DEMO_PASSWORD, sign_in, sign_out

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(server):
    seed_demo(DEMO_PASSWORD)
    mail.outbox.clear()
    return server


def test_an_essex_head_writes_to_an_interim_head_from_the_directory(page, demo):
    sign_in(page, demo, "essex.head2@example.org")
    page.get_by_role("link", name="Leaders", exact=True).click()
    page.get_by_label("Designation").select_option(label="Interim head available for deployment")
    page.get_by_label("Area").select_option(label="Essex")
    page.get_by_label("Availability").select_option(label="Available now")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="1 leader")).to_be_visible()
    listed = page.locator("li", has=page.get_by_role("heading", level=3)).first
    name = listed.get_by_role("heading", level=3).inner_text()
    leader = User.objects.get(
        first_name=name.split()[0],
        last_name=" ".join(name.split()[1:]),
        leader_listing__isnull=False,
    )

    listed.get_by_role("link", name=f"Write to {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Write to {name}")
    assert leader.email not in page.content()
    check_page(page, "leader-contact")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    check_page(page, "leader-contact-errors")
    page.get_by_label("Subject").fill("Interim headship from January")
    page.get_by_label("Message").fill("Our head leaves at Christmas. Could we talk this week?")
    page.get_by_role("button", name="Send message").click()

    expect(page.get_by_text(f"Your message has been sent to {name}.")).to_be_visible()
    assert page.url.endswith("/leaders/")
    message = LeaderMessage.objects.get()
    assert message.leader == leader and message.sender.email == "essex.head2@example.org"
    assert mail.outbox[-1].to == [leader.email]
    assert mail.outbox[-1].reply_to[0].endswith("<essex.head2@example.org>")


def test_the_account_pages_and_contact_headnet_in_our_words(page, demo):
    page.goto(demo.url + "/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_label("Keep me signed in on this device")).to_be_visible()
    check_page(page, "account-sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    check_page(page, "account-reset-password")
    page.get_by_role("main").get_by_role("link", name="contact Headnet").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Contact Headnet")
    check_page(page, "contact-headnet")
    page.get_by_label("Your name").fill("Jo Newhead")
    page.get_by_label("Your email address").fill("jo.newhead@example.net")
    page.get_by_label("Subject").fill("No confirmation email")
    page.get_by_label("Message").fill("I signed up an hour ago and nothing has come.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message has been sent to Headnet's staff.")).to_be_visible()
    assert mail.outbox[-1].reply_to == ["Jo Newhead <jo.newhead@example.net>"]

    page.goto(demo.url + "/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    check_page(page, "account-create")
    page.get_by_label("Email address").fill("jo.newhead@example.net")
    page.get_by_label("Password*", exact=True).fill("a-long-pass-phrase-9")
    page.get_by_label("Password (again)*").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(page, "account-check-email")
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)[1]
    page.goto(demo.url + link)
    expect(
        page.get_by_text("Confirm that jo.newhead@example.net is your email address")
    ).to_be_visible()
    check_page(page, "account-confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    # One message, not two stacked.
    expect(page.locator(".messages .alert")).to_have_count(1)
    expect(page.locator(".messages")).to_have_text(
        "Your email address jo.newhead@example.net is confirmed."
    )


def _top(page, locator) -> float:
    return locator.bounding_box()["y"]


def test_a_member_s_network_page_puts_next_meetings_first_on_a_phone(page, demo):
    sign_in(page, demo, "secondary.head@example.org")  # a member of OSSHTA
    page.goto(demo.url + "/networks/osshta/")
    meetings = page.get_by_role("heading", name="Next meetings")
    about = page.get_by_role("heading", name="About", exact=True)
    leave = page.get_by_role("button", name=re.compile("^Leave"))

    page.set_viewport_size(VIEWPORTS["phone"])
    assert _top(page, meetings) < _top(page, leave) < _top(page, about)
    page.set_viewport_size(VIEWPORTS["desktop"])
    # On a wide screen the membership box stands beside the meetings, on the right.
    assert leave.bounding_box()["x"] > meetings.bounding_box()["x"] + 400
    assert _top(page, meetings) < _top(page, about)
    check_page(page, "network-member")


def test_a_story_s_private_link_is_shown_once_and_a_reload_sends_nothing(page, demo):
    sign_in(page, demo, "primary.head@example.org")
    page.goto(demo.url + "/networks/heads-up/stories/new/")
    page.get_by_label("Title").fill("The term the boiler failed")
    page.get_by_label("Your story").fill("We taught in coats for a week.")
    page.get_by_label(re.compile("Anonymously")).check()
    page.get_by_role("button", name="Send my story").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your story is sent")
    expect(page.locator("a[href*='/stories/private/']")).to_have_count(1)
    check_page(page, "story-sent-once")

    page.reload()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your private link was shown once")
    expect(page.locator("a[href*='/stories/private/']")).to_have_count(0)
    check_page(page, "story-sent-reloaded")
    assert Story.objects.filter(title="The term the boiler failed").count() == 1


def test_a_school_s_head_opens_the_receipt_of_a_paid_fee(page, demo):
    # The demo's OSSHTA member whose school has paid this year's fee.
    head = User.objects.get(email="secondary.head@example.org")
    invoice = FeeInvoice.objects.get(
        network__slug="osshta", school=head.current_post.school, state="paid"
    )
    sign_in(page, demo, head.email)
    page.goto(demo.url + "/networks/osshta/")

    page.get_by_role("link", name=re.compile("^See the receipt")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Receipt for invoice {invoice.reference}"
    )
    expect(page.get_by_text(f"Paid on {invoice.paid_on:%-d %B %Y}")).to_be_visible()
    check_page(page, "fee-receipt")
    sign_out(page)
