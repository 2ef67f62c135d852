"""Journeys 1, 2 and 6 of docs/product.md ("Journeys"), as a head would make them in a
browser."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from members.models import School
from networks import views as network_views
from tests.e2e.conftest import check_axe, check_page, seed_demo
from tests.factories import PASSWORD

DEMO_PASSWORD = "headnet-demo"


@pytest.fixture
def demo(server):
    seed_demo(DEMO_PASSWORD)
    mail.outbox.clear()
    return server


def sign_in(page, server, email, password=DEMO_PASSWORD):
    page.goto(server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_new_head_signs_up_finds_their_school_and_sees_networks_to_join(page, demo):
    school = (
        School.objects.filter(
            local_authority__code="931", sector="special", status="open", posts__isnull=True
        )
        .exclude(website="")
        .exclude(head_last_name="")
        .first()
    )
    # The register's head signing up with an address at the school's own domain: the
    # headship is verified at once.
    email = f"new.special.head@{school.own_domain()}"

    page.goto(demo.url + "/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)*").fill(PASSWORD)
    page.get_by_role("button", name="Create an account").click()
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)[1]
    page.goto(demo.url + link)
    page.get_by_role("button", name="Confirm").click()

    # A new account is sent to complete its profile first.
    expect(page.get_by_role("heading", name="Your profile", level=1)).to_be_visible()
    check_page(page, "profile-incomplete")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    check_page(page, "profile-errors")
    page.get_by_label("Title").fill("Dr")
    page.get_by_label("First name").fill(school.head_first_name)
    page.get_by_label("Last name").fill(school.head_last_name)
    page.get_by_role("button", name="Save details").click()

    expect(page.get_by_role("heading", name="Find your school", level=1)).to_be_visible()
    check_page(page, "school-search")
    page.get_by_label("School name, town or URN").fill(school.name)
    page.get_by_role("button", name="Search").click()
    check_page(page, "school-search-results")
    page.get_by_role("link", name=f"Choose {school.name}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your post at {school.name}")
    page.get_by_label("Your role at this school").select_option(label="Headteacher")
    # A few months ago: a new head, whatever the day the suite runs.
    started = timezone.localdate() - datetime.timedelta(days=90)
    page.get_by_label("Start date").fill(started.isoformat())
    check_page(page, "post-form")
    page.get_by_role("button", name="Add post").click()

    expect(page.get_by_text(f"Your post at {school.name} has been added.")).to_be_visible()
    expect(page.get_by_text("New head", exact=True)).to_be_visible()
    check_page(page, "profile-complete")

    page.get_by_role("link", name="My networks").click()
    suggestions = page.get_by_role("region", name="Networks you can join")
    expect(
        suggestions.get_by_role("link", name=re.compile("Special School Headteachers"))
    ).to_be_visible()
    check_page(page, "my-networks")


def test_head_filters_the_directory_and_joins_an_open_network(page, demo):
    sign_in(page, demo, "special.head@example.org")

    page.get_by_role("link", name="Networks", exact=True).click()
    check_page(page, "directory")
    page.get_by_label("Area").select_option(label="Oxfordshire")
    page.get_by_label("School phase").select_option(label="Special")
    page.get_by_role("button", name="Search").click()
    # The filters are in the address, so it can be shared.
    assert "area=931" in page.url and "phase=special" in page.url
    expect(page.get_by_role("status")).to_contain_text("match")
    check_page(page, "directory-filtered")

    page.get_by_role("link", name=re.compile(r"Special School Headteachers \(OASSH\)")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("OASSH")
    check_page(page, "network-detail")
    page.get_by_role("button", name="Join OASSH").click()

    expect(page.get_by_text("You are now a member of")).to_be_visible()
    expect(page.get_by_role("button", name="Leave OASSH")).to_be_visible()
    page.get_by_role("link", name="See the members").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Members of")
    check_page(page, "member-list")

    # A network they cannot join says why, in words.
    page.goto(demo.url + "/networks/oashp/")
    expect(page.get_by_text("You cannot join this network")).to_contain_text("Oldham")
    check_page(page, "network-not-eligible")


def test_member_pages_through_a_long_member_list(page, demo, monkeypatch):
    # Pages of three: the demo network's list runs to several.
    monkeypatch.setattr(network_views, "MEMBERS_PAGE_SIZE", 3)
    sign_in(page, demo, "administrator@example.org")
    page.goto(demo.url + "/networks/osshta/members/")
    pages = page.get_by_role("navigation", name="Member list pages")
    expect(page.get_by_text("Showing members 1 to 3 of")).to_be_visible()
    check_page(page, "member-list-first")

    pages.get_by_role("link", name="Next page").click()
    expect(page.get_by_text(re.compile(r"Showing 3 members, from .+ to .+\."))).to_be_visible()
    pages.get_by_role("link", name="Last page").click()
    expect(pages.get_by_role("link", name="Next page")).to_have_count(0)
    check_page(page, "member-list-last")
    pages.get_by_role("link", name="Previous page").click()
    pages.get_by_role("link", name="First page").click()
    expect(page.get_by_text("Showing members 1 to 3 of")).to_be_visible()


def test_head_requests_to_join_and_an_administrator_approves(page, demo):
    sign_in(page, demo, "essex.head4@example.org")
    page.goto(demo.url + "/networks/essex-sustainable-leadership/")
    page.get_by_role("button", name="Request to join").click()
    expect(page.get_by_text("has been sent to its administrators")).to_be_visible()
    check_page(page, "network-pending")
    assert "essex.head1@example.org" in mail.outbox[-1].to
    sign_out(page)

    sign_in(page, demo, "essex.head1@example.org")
    page.goto(demo.url + "/networks/essex-sustainable-leadership/requests/")
    check_page(page, "join-requests")
    requests = page.get_by_role("group", name="Requests waiting for a decision")
    for checkbox in requests.get_by_role("checkbox").all():
        checkbox.check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_text(re.compile(r"^Approved: "))).to_be_visible()
    expect(page.get_by_text("There are no requests waiting.")).to_be_visible()
    assert any("approved" in message.subject for message in mail.outbox)


def test_visitor_contacts_the_coordinators(page, demo):
    page.goto(demo.url + "/networks/oxfordshire-primary-heads/")
    page.get_by_role("link", name="Contact the coordinators").click()
    check_page(page, "contact")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    check_page(page, "contact-errors")

    page.get_by_label("Your name").fill("Jo Parent")
    page.get_by_label("Your email address").fill("jo@example.net")
    page.get_by_label("Subject").fill("Joining as a new head")
    page.get_by_label("Message").fill("I start in January. How do I come to the next meeting?")
    page.get_by_role("button", name="Send message").click()

    expect(page.get_by_text("Your message has been sent to the coordinators")).to_be_visible()
    assert mail.outbox[-1].reply_to == ["Jo Parent <jo@example.net>"]


def test_sign_in_and_join_by_keyboard_alone(page, demo):
    if not page.javascript:
        pytest.skip("keyboard behaviour does not depend on JavaScript; run once")
    page.goto(demo.url + "/accounts/login/")
    page.get_by_label("Email").focus()
    page.keyboard.type("special.head@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(demo.url + "/networks/oassh/")
    join = page.get_by_role("button", name="Join OASSH")
    for _ in range(40):
        page.keyboard.press("Tab")
        if join.evaluate("element => element === document.activeElement"):
            break
    expect(join).to_be_focused()
    outline = join.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none", "focused button shows no outline"
    page.keyboard.press("Enter")
    expect(page.get_by_text("You are now a member of")).to_be_visible()


def test_administrator_approves_a_request_in_the_admin_site(page, demo):
    # oashp has a pending request from the seed; its administrator decides it.
    sign_in(page, demo, "oldham.secondary.head1@example.org")
    page.goto(demo.url + "/admin/")
    check_axe(page, "admin-index")
    page.get_by_role("link", name="Memberships").click()
    expect(
        page.get_by_role(
            "link", name="Oldham Association of Secondary Headteachers and Principals"
        ).first
    ).to_be_visible()
    page.get_by_role("link", name="Pending approval").click()
    check_axe(page, "admin-memberships")
    page.get_by_role("checkbox", name=re.compile("Select this object")).first.check()
    page.get_by_label("Action:").select_option(
        label="Approve the selected requests (the people are emailed)"
    )
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("1 request(s) approved.")).to_be_visible()
    assert any("approved" in message.subject for message in mail.outbox)


def test_administrator_rejects_a_claimed_headship_at_a_member_school(page, demo):
    sign_in(page, demo, "administrator@example.org")
    page.goto(demo.url + "/networks/osshta/")
    page.get_by_role("link", name="Posts to confirm at member schools").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Posts to confirm")
    check_page(page, "claims-queue")
    page.get_by_role("link", name=re.compile("Confirm or reject")).first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Rory Pendle")
    check_page(page, "claim")
    page.get_by_role("button", name="Reject").click()

    expect(page.get_by_text(re.compile("Rejected: Rory Pendle"))).to_be_visible()
    expect(page.get_by_text("There are no posts waiting to be confirmed.")).to_be_visible()


def test_a_confirmed_headship_takes_no_seat_until_someone_passes_it(page, demo):
    """Issue 19, finding 1: confirming Rory Pendle's claim leaves the school's seats with its
    confirmed head; the same page asks whether they pass."""
    sign_in(page, demo, "administrator@example.org")
    page.goto(demo.url + "/networks/osshta/claims/")
    page.get_by_role("link", name=re.compile("Confirm or reject")).first.click()
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("seats pass to Rory Pendle?")
    expect(page.get_by_text(re.compile("seats stay with its sitting head"))).to_be_visible()
    check_page(page, "claim-seats")
    page.get_by_role("button", name="Keep them with the sitting head").click()

    expect(
        page.get_by_text(re.compile("seats stay with its sitting head. Rory Pendle"))
    ).to_be_visible()
    assert any(message.to == ["claimant@example.org"] for message in mail.outbox)
