"""Journeys 9 and 10 of docs/product.md ("Journeys") in a real browser, with and without JavaScript:
an anonymous story a coordinator publishes, the Roundtable's articles, the leaders directory."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from articles.models import Story
from leaders.models import Listing
from members.models import User
from tests.e2e.conftest import check_page, seed_demo
from tests.e2e.test_networks import DEMO_PASSWORD, sign_in, sign_out


@pytest.fixture
def demo(server):
    seed_demo(DEMO_PASSWORD)
    mail.outbox.clear()
    return server


def test_a_head_shares_an_anonymous_story_that_a_coordinator_publishes(page, demo):
    sign_in(page, demo, "primary.head@example.org")
    page.goto(demo.url + "/networks/heads-up/stories/")
    check_page(page, "stories-list")
    page.get_by_role("link", name="Share your story").click()
    check_page(page, "story-form")
    page.get_by_role("button", name="Send my story").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the errors")
    check_page(page, "story-form-errors")

    page.get_by_label("Title").fill("What the first inspection taught me")
    page.get_by_label("Your story").fill("I learned to ask for help **early**.")
    page.get_by_label(re.compile("Anonymously")).check()
    page.get_by_role("button", name="Send my story").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your story is sent")
    check_page(page, "story-sent")
    private_link = page.locator("a[href*='/stories/private/']").get_attribute("href")
    assert Story.objects.get(title="What the first inspection taught me").author is None
    sign_out(page)

    sign_in(page, demo, "essex.head4@example.org")  # a coordinator of Heads Up
    page.goto(demo.url + "/networks/heads-up/stories/moderation/")
    check_page(page, "stories-moderation")
    page.get_by_role("link", name=re.compile("What the first inspection taught me")).click()
    expect(page.get_by_text("Anonymous")).to_be_visible()
    check_page(page, "story-moderate")
    page.get_by_label("Publish it", exact=True).check()
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("The story is published.")).to_be_visible()
    sign_out(page)

    page.goto(demo.url + private_link)
    expect(page.get_by_text("Published", exact=False).first).to_be_visible()
    check_page(page, "story-private")
    page.goto(demo.url + "/networks/heads-up/stories/")
    page.get_by_role("link", name="What the first inspection taught me").click()
    expect(page.get_by_text("ask for help")).to_be_visible()
    check_page(page, "story-detail")


def test_a_visitor_reads_the_roundtable_s_articles_from_the_home_page(page, demo):
    page.goto(demo.url + "/")
    page.get_by_role(
        "link", name=re.compile(r"Continue reading\W+What I have learned about supporting")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What I have learned about supporting headteachers"
    )
    check_page(page, "article-detail")
    page.get_by_role("link", name=re.compile("All articles of")).click()
    check_page(page, "articles-list")
    page.goto(demo.url + "/networks/headteachers-roundtable/")
    expect(page.get_by_role("heading", name="Latest articles")).to_be_visible()


def test_a_coordinator_writes_and_publishes_an_article(page, demo):
    sign_in(page, demo, "essex.head1@example.org")  # administrator of the Roundtable
    page.goto(demo.url + "/networks/headteachers-roundtable/articles/")
    page.get_by_role("link", name="Write an article").click()
    check_page(page, "article-form")
    page.get_by_label("Title").fill("Why we wrote to the minister")
    page.get_by_label("Summary").fill("Our letter, and why.")
    page.get_by_label("Text").fill("We wrote because *heads asked us to*.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published")).to_be_visible()
    check_page(page, "article-published")


def test_an_essex_head_finds_an_interim_head_available_in_their_area(page, demo):
    sign_in(page, demo, "essex.head2@example.org")
    page.get_by_role("link", name="Leaders", exact=True).click()
    check_page(page, "leaders-directory")
    page.get_by_label("Designation").select_option(label="Interim head available for deployment")
    page.get_by_label("Area").select_option(label="Essex")
    page.get_by_label("Availability").select_option(label="Available now")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="1 leader")).to_be_visible()
    check_page(page, "leaders-directory-filtered")


def test_a_leader_lists_themselves_and_withdraws_at_once(page, demo):
    sign_in(page, demo, "essex.leader3@example.org")
    page.goto(demo.url + "/leaders/me/")
    check_page(page, "leaders-mine")
    page.get_by_role("button", name="Remove me from the directory now").click()
    expect(page.get_by_text("You are no longer listed")).to_be_visible()
    person = User.objects.get(email="essex.leader3@example.org")
    assert not Listing.objects.filter(person=person).exists()
    page.get_by_role("combobox", name=re.compile("^Designation")).select_option(label="Mentor")
    page.get_by_label("Evidence").fill("Mentor for the county's new heads since 2021")
    page.get_by_role("button", name="Add the designation").click()
    expect(page.get_by_text("waiting for confirmation")).to_be_visible()
    check_page(page, "leaders-mine-claimed")
