"""A network's representatives in a real browser, with and without JavaScript, at a desk
and on a phone (issue 25): OPHN's coordinator names a member as its representative on a
county board, she posts a report back, and another member reads it (and gets it by email,
as they chose)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from members.models import User
from tests.e2e.conftest import check_page, seed_demo
from tests.e2e.test_networks import DEMO_PASSWORD, sign_in, sign_out

OPHN = "/networks/oxfordshire-primary-heads/"
BOARD = "Oxfordshire Education Partnership"
TITLE = "Education Partnership: the attendance plan"

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(server):
    seed_demo(DEMO_PASSWORD)
    mail.outbox.clear()
    return server


def test_a_coordinator_names_a_representative_who_reports_back_to_the_members(page, demo):
    representative = User.objects.get(email="primary.head@example.org")
    name = representative.get_full_name()

    # OPHN's coordinator adds her, from the network's page.
    sign_in(page, demo, "oxon.primary.head3@example.org")
    page.goto(demo.url + OPHN)
    expect(page.get_by_role("heading", name="Who represents us")).to_be_visible()
    page.get_by_role("link", name="Add a representative").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a representative")
    page.get_by_role("button", name="Add the representative").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the errors")
    check_page(page, "representative-form-errors")
    page.get_by_label("A member").select_option(label=name)
    page.get_by_label("Board or group").fill(BOARD)
    page.get_by_label("Term starts").fill("2026-09-01")
    page.get_by_role("button", name="Add the representative").click()
    expect(page.get_by_text(f"{name} is listed on {BOARD}.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(BOARD))).to_contain_text(name)
    check_page(page, "representatives")
    sign_out(page)

    # Visitors see who represents the network, never the reports.
    page.goto(demo.url + OPHN)
    section = page.get_by_role("region", name="Who represents us")
    expect(section).to_contain_text(f"{name}, on {BOARD}")
    expect(section.get_by_role("link", name="Their reports back")).to_have_count(0)
    check_page(page, "network-representatives")

    # She reports back, from the list of representatives.
    sign_in(page, demo, representative.email)
    page.goto(demo.url + OPHN)
    page.get_by_role("link", name="All representatives, past and present").click()
    page.get_by_role("link", name=f"Post a report from {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Report back from {BOARD}")
    check_page(page, "report-form")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Report").fill(
        "The partnership agreed a county **attendance plan**.\n\nSchools see it next term."
    )
    page.get_by_role("button", name="Post and send the report").click()
    expect(page.get_by_text("The report is posted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    check_page(page, "report-detail")
    sign_out(page)

    # Another member gets it by email (they take every announcement), and reads it.
    reader = "oxon.primary.head5@example.org"
    assert [m.subject for m in mail.outbox if m.to == [reader] and TITLE in m.subject]
    sign_in(page, demo, reader)
    page.goto(demo.url + OPHN)
    page.get_by_role("link", name="Their reports back").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reports back to")
    check_page(page, "reports")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("The partnership agreed a county attendance plan.")).to_be_visible()
    expect(page.get_by_text(f"{name}, who represents")).to_be_visible()
