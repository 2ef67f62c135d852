"""Issue 14's journey in a real browser: a new head signs up, confirms, names their school,
sees they are in OSSHTA and what that means, joins its Coordinating Group, contacts it and
finds Oldham's 2016/17 workhubs, without a dead end; axe at both widths, JavaScript on
and off (the `page` fixture runs it twice)."""

import re

from django.core import mail
from playwright.sync_api import expect

from members.models import School
from networks.models import Membership
from tests.e2e.conftest import check_page
from tests.e2e.test_networks import demo  # noqa: F401 (the seeded site)
from tests.factories import PASSWORD


def _free_secondary_school() -> School:
    """An open state-funded Oxfordshire secondary with a website and no head on Headnet."""
    return (
        School.objects.filter(
            local_authority__code="931",
            sector=School.Sector.SECONDARY,
            state_funded=True,
            status=School.Status.OPEN,
            posts__isnull=True,
        )
        .exclude(website="")
        .exclude(head_last_name="")
        .order_by("urn")
        .first()
    )


def test_a_new_head_signs_up_and_reaches_their_networks_without_a_dead_end(page, demo):  # noqa: F811
    school = _free_secondary_school()
    # The register's head, with an address at the school's own web domain: both pieces of
    # evidence confirm the headship at once (the school has no confirmed head on Headnet).
    email = f"head@{school.own_domain()}"
    first, last = school.head_first_name, school.head_last_name

    # Sign up, and confirm in the same browser: that signs in.
    page.goto(demo.url)
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)*").fill(PASSWORD)
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    confirmation = mail.outbox[-1]
    assert confirmation.body.startswith("Hello from Headnet,")
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", confirmation.body)[1]
    page.goto(demo.url + link)
    check_page(page, "first-use-confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your profile", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    check_page(page, "first-use-profile")

    # Names and school.
    page.get_by_label("Title").fill("Dr")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("heading", name="Find your school", level=1)).to_be_visible()
    page.get_by_label("School name, town or URN").fill(str(school.urn))
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=f"Choose {school.name}").click()
    page.get_by_label("Your role at this school").select_option(label="Headteacher")
    page.get_by_label("Start date").fill("2026-09-01")
    check_page(page, "first-use-post")
    page.get_by_role("button", name="Add post").click()

    # At once: in OSSHTA, what that means for the school, and a welcome by email.
    expect(
        page.get_by_text(
            "You are now a member of Oxfordshire Secondary Head Teacher Association (OSSHTA)"
        )
    ).to_be_visible()
    expect(page.get_by_text("your school's annual fee is £450.00")).to_be_visible()
    check_page(page, "first-use-in-osshta")
    welcome = [
        message for message in mail.outbox if message.subject.startswith("[Headnet] Welcome")
    ]
    assert [message.to for message in welcome] == [[email]]

    # The profile suggests what to join next: OSSHTA's Coordinating Group.
    suggestions = page.get_by_role("region", name="Networks you can join")
    suggestions.get_by_role("link", name="OSSHTA Coordinating Group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("OSSHTA Coordinating Group")
    check_page(page, "first-use-coordinating-group")
    page.get_by_role("button", name="Join OSSHTA Coordinating Group").click()
    expect(page.get_by_text("You are now a member of OSSHTA Coordinating Group")).to_be_visible()

    # The group has no coordinators of its own: the page says who will read the message.
    page.get_by_role("link", name="Contact the coordinators").click()
    expect(page.get_by_text("Who reads your message: the coordinators of OSSHTA")).to_be_visible()
    check_page(page, "first-use-contact")
    page.get_by_label("Subject").fill("Joining the Coordinating Group")
    page.get_by_label("Message").fill("I am new to OSSHTA and would like to help plan.")
    page.get_by_role("button", name="Send message").click()
    expect(
        page.get_by_text("Your message has been sent to the coordinators of OSSHTA")
    ).to_be_visible()
    sent = mail.outbox[-1]
    assert "coordinator@example.org" in sent.to
    assert sent.reply_to == [f"Dr {first} {last} <{email}>"]

    # Oldham's workhubs of 2016/17, from the directory, without typing an address.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Networks", exact=True
    ).click()
    page.get_by_label("Search").fill("Oldham Schools Alliance")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=re.compile("Oldham Schools Alliance")).first.click()
    page.get_by_role("link", name=re.compile("All workhubs by year")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Workhubs of")
    check_page(page, "first-use-workhubs")
    earlier = page.get_by_role("region", name="Earlier years")
    expect(earlier.get_by_role("heading", name="2016/17")).to_be_visible()
    expect(earlier.get_by_role("listitem")).to_have_count(12)
    earlier.get_by_role("link", name="Finance").click()
    expect(page.get_by_text("It takes no new members", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Join this workhub")).to_have_count(0)
    check_page(page, "first-use-past-workhub")

    person_memberships = Membership.objects.active().filter(person__email=email)
    assert set(person_memberships.values_list("network__slug", flat=True)) == {
        "osshta",
        "osshta-coordinating-group",
    }
