"""A network speaks to its members (docs/product.md, "Announcements (`announcements/`)") in a real
browser, with and without JavaScript: OSSHTA's coordinator writes an announcement to
the whole association, previews how many it will reach, sends it; every member gets
one email and reads it again in the archive."""

import re
from collections import Counter

import pytest
from django.core import mail
from playwright.sync_api import expect

from announcements.models import Announcement
from networks.models import Membership
from tests.e2e.conftest import check_page, seed_demo
from tests.e2e.test_networks import DEMO_PASSWORD, sign_in, sign_out

SUBJECT = "Spring conference: booking is open"


@pytest.fixture
def demo(server):
    seed_demo(DEMO_PASSWORD)
    mail.outbox.clear()
    return server


def test_a_coordinator_tells_osshta_and_every_member_gets_it_once(page, demo):
    sign_in(page, demo, "coordinator@example.org")
    page.goto(demo.url + "/networks/osshta/")
    page.get_by_role("link", name="Write an announcement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write an announcement for OSSHTA")
    check_page(page, "announcement-form")

    # Nothing written: the errors are at their fields.
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the errors")
    check_page(page, "announcement-form-errors")

    page.get_by_role("group", name=re.compile("Who is it for")).get_by_label(
        "Everyone in OSSHTA"
    ).check()
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Message").fill(
        "Booking for the **spring conference** is open until Friday.\n\nSee you there."
    )
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(page.get_by_text("This is a draft")).to_be_visible()
    reach = page.get_by_text(re.compile(r"It will reach \d+ people"))
    expect(reach).to_be_visible()
    reached = int(re.search(r"It will reach (\d+) people", reach.inner_text())[1])
    members = set(
        Membership.objects.active()
        .filter(network__slug="osshta")
        .values_list("person__email", flat=True)
    )
    assert 1 < reached <= len(members)
    check_page(page, "announcement-preview")

    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_text("It is on its way to its audience.")).to_be_visible()
    expect(page.get_by_role("button", name="Send now")).to_have_count(0)
    check_page(page, "announcement-sent")
    announcement = Announcement.objects.get(subject=SUBJECT)
    assert announcement.sent_at is not None

    # One email each, never two; nobody outside OSSHTA is written to.
    copies = Counter(
        address for message in mail.outbox if SUBJECT in message.subject for address in message.to
    )
    assert set(copies) <= members
    assert set(copies.values()) == {1}
    assert members - set(copies) <= {"coordinator@example.org"}
    sign_out(page)

    sign_in(page, demo, "secondary.head@example.org")  # a member of OSSHTA
    page.goto(demo.url + "/networks/osshta/")
    expect(page.get_by_role("link", name=SUBJECT)).to_be_visible()
    page.get_by_role("link", name="All announcements of OSSHTA").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Announcements of")
    check_page(page, "announcement-archive")
    page.get_by_role("link", name=SUBJECT).click()
    expect(page.get_by_text("Booking for the spring conference is open")).to_be_visible()
    expect(page.get_by_text("Before sending")).to_have_count(0)
    check_page(page, "announcement-detail")
