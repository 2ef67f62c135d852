"""Discussions (docs/product.md, "Discussions (`discussions/`)") in a real browser, with
and without JavaScript: a head starts a thread in the Oxfordshire primary network; another
replies on the site, quoting a post, then edits and removes a post of theirs; a
coordinator hides a reported post with a reason; a lapsed member cannot read the thread;
a workhub's lead starts a thread from its page; a head removes all their posts."""

import re

from playwright.sync_api import expect

from core.dates import academic_year_of
from discussions.models import Post, PostReport, Thread
from networks.models import Membership, Workhub
from tests.e2e.conftest import check_page
from tests.e2e.test_networks import demo, sign_in, sign_out  # noqa: F401  (demo: a fixture)

OPHN = "/networks/oxfordshire-primary-heads/"
SUPPLY = "Supply cover: which agencies are you using this year?"


def test_a_head_starts_a_thread_in_the_oxfordshire_primary_network(page, demo):  # noqa: F811
    sign_in(page, demo, "primary.head@example.org")
    page.goto(demo.url + OPHN)
    page.get_by_role("link", name=re.compile("The discussions of")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Discussions of")
    expect(page.get_by_role("link", name=SUPPLY)).to_be_visible()
    check_page(page, "discussions-list")

    page.get_by_role("link", name="Start a thread").click()
    page.get_by_role("button", name="Start the thread").click()  # nothing written
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the errors")
    check_page(page, "discussions-new-errors")
    page.get_by_label("Title").fill("Sharing a music teacher")
    page.get_by_label("First post").fill("Would any school near *Bicester* share a music teacher?")
    check_page(page, "discussions-new")
    page.get_by_role("button", name="Start the thread").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sharing a music teacher")
    expect(page.get_by_text("Your thread has started.")).to_be_visible()
    expect(page.locator("#post-1 em")).to_have_text("Bicester")
    check_page(page, "discussions-thread-started")
    thread = Thread.objects.get(title="Sharing a music teacher")
    assert thread.network.slug == "oxfordshire-primary-heads"
    assert thread.posts.get().author.email == "primary.head@example.org"

    # It leads the list, and a search finds it.
    page.goto(demo.url + OPHN + "discussions/")
    page.get_by_label("Search the discussions").fill("music")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Sharing a music teacher")).to_be_visible()
    expect(page.get_by_role("link", name=SUPPLY)).to_have_count(0)
    check_page(page, "discussions-search")


def test_a_head_replies_on_the_site_quoting_then_edits_and_removes(page, demo):  # noqa: F811
    sign_in(page, demo, "oxon.primary.head6@example.org")
    page.goto(demo.url + OPHN + "discussions/")
    page.get_by_role("link", name=SUPPLY).click()
    expect(page.get_by_text("In reply to #2")).to_be_visible()
    check_page(page, "discussions-thread")

    page.get_by_role("link", name="Quote post 1").click()
    reply = page.get_by_label("Your reply")
    expect(reply).to_have_value(re.compile(r"^> Our usual agency"))
    reply.fill(reply.input_value() + "We use the county's own supply service.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    new = page.locator("#post-5")
    expect(new).to_contain_text("We use the county's own supply service.")
    expect(new).to_contain_text("In reply to #1")
    check_page(page, "discussions-replied")
    post = Post.objects.get(thread__title=SUPPLY, number=5)
    assert post.quotes.number == 1 and not post.by_email

    page.get_by_role("link", name="Edit post 5").click()
    page.get_by_label("Your post").fill("We use the county's supply service: ask me for details.")
    check_page(page, "discussions-edit")
    page.get_by_role("button", name="Save the post").click()
    expect(page.locator("#post-5")).to_contain_text("ask me for details")
    expect(page.locator("#post-5")).to_contain_text("edited")

    page.get_by_role("link", name="Remove post 5").click()
    check_page(page, "discussions-remove")
    page.get_by_role("button", name="Remove the post").click()
    expect(page.locator("#post-5")).to_contain_text("This post was removed.")
    expect(page.locator("#post-5")).not_to_contain_text("ask me for details")


def test_a_reported_post_is_hidden_by_a_coordinator_with_a_reason(page, demo):  # noqa: F811
    sign_in(page, demo, "primary.head@example.org")
    page.goto(demo.url + OPHN + "discussions/")
    page.get_by_role("link", name=SUPPLY).click()
    page.get_by_role("link", name="Report post 2").click()
    page.get_by_label("What is wrong with this post").fill("It names a supply teacher.")
    check_page(page, "discussions-report")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("the coordinators will look at the post")).to_be_visible()
    assert PostReport.objects.get().reason == "It names a supply teacher."
    sign_out(page)

    sign_in(page, demo, "oxon.primary.head1@example.org")
    page.goto(demo.url + OPHN + "discussions/reports/")
    expect(page.get_by_text("It names a supply teacher.")).to_be_visible()
    check_page(page, "discussions-reports")
    page.get_by_role("link", name="Hide post 2").click()
    page.get_by_label("Why it is hidden").fill("Names a member of staff")
    check_page(page, "discussions-hide")
    page.get_by_role("button", name="Hide the post").click()
    expect(page.locator("#post-2")).to_contain_text("Names a member of staff")
    sign_out(page)

    sign_in(page, demo, "primary.head@example.org")
    page.goto(demo.url + OPHN + "discussions/")
    page.get_by_role("link", name=SUPPLY).click()
    expect(page.locator("#post-2")).to_contain_text(
        "This post was hidden by the coordinators: Names a member of staff"
    )
    expect(page.locator("#post-2")).not_to_contain_text("termly contract")


def test_a_lapsed_member_cannot_read_the_thread(page, demo):  # noqa: F811
    thread = Thread.objects.get(title=SUPPLY)
    Membership.objects.filter(
        person__email="primary.head@example.org", network__slug="oxfordshire-primary-heads"
    ).update(status=Membership.Status.LAPSED)
    sign_in(page, demo, "primary.head@example.org")
    response = page.goto(demo.url + OPHN + f"discussions/{thread.pk}/")
    assert response.status == 403
    expect(page.get_by_text("Only members of")).to_be_visible()
    expect(page.get_by_text("Our usual agency")).to_have_count(0)
    page.goto(demo.url + OPHN)
    expect(page.get_by_role("link", name=re.compile("The discussions of"))).to_have_count(0)


def test_a_workhub_lead_starts_a_thread_from_the_workhub_page(page, demo):  # noqa: F811
    workhub = Workhub.objects.get(
        network__slug="oldham-schools-alliance", name="SEND", academic_year=academic_year_of()
    )
    sign_in(page, demo, "oldham.head@example.org")
    page.goto(demo.url + workhub.get_absolute_url())
    page.get_by_role("link", name="The discussions of SEND").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SEND")
    check_page(page, "discussions-workhub-list")
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill("EHCP annual reviews")
    page.get_by_label("First post").fill("How are you scheduling them this year?")
    page.get_by_role("button", name="Start the thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EHCP annual reviews")
    check_page(page, "discussions-workhub-thread")
    assert Thread.objects.get(title="EHCP annual reviews").workhub == workhub


def test_a_head_removes_all_their_posts_from_their_data_page(page, demo):  # noqa: F811
    sign_in(page, demo, "oxon.primary.head5@example.org")
    page.goto(demo.url + "/me/data/")
    page.get_by_role("link", name="Remove my posts").click()
    expect(page.get_by_text("You have written 2 posts")).to_be_visible()
    check_page(page, "discussions-remove-mine")
    page.get_by_role("button", name="Remove all my posts").click()
    expect(page.get_by_text("2 of your posts removed.")).to_be_visible()
    assert not Post.objects.filter(
        author__email="oxon.primary.head5@example.org", deleted_at=None
    ).exists()
