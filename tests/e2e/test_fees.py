"""Journey 5 of docs/product.md ("Journeys"): OSSHTA's administrator runs a year of
membership and fees from Headnet alone, and sees nothing of any other network."""

import csv
import io
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from fees.models import FeeInvoice
from networks.models import Network
from tests.e2e.conftest import check_axe, check_page, seed_demo
from tests.e2e.test_networks import DEMO_PASSWORD, sign_in


@pytest.fixture
def demo(server):
    seed_demo(DEMO_PASSWORD)
    mail.outbox.clear()
    return server


def _admin_action(page, label):
    page.get_by_label("Action:").select_option(label=label)
    page.get_by_role("button", name="Run").click()


def test_the_osshta_administrator_runs_membership_and_fees(page, demo):
    oassh = Network.objects.get(slug="oassh")
    due_before = FeeInvoice.objects.filter(network__slug="osshta", state="due").count()

    # Signed in, the administrator (who leads no school) lands on the waiting work.
    sign_in(page, demo, "administrator@example.org")
    page.goto(demo.url + "/me/")
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(page.get_by_text("Add your name and your post")).to_have_count(0)
    check_page(page, "me-waiting-work")

    # The requests: both approved.
    page.get_by_role("link", name=re.compile("2 requests to decide")).click()
    requests = page.get_by_role("group", name="Requests waiting for a decision")
    for checkbox in requests.get_by_role("checkbox").all():
        checkbox.check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_text("There are no requests waiting.")).to_be_visible()

    # This year's invoices: the two new member schools are invoiced, nobody twice.
    page.goto(demo.url + "/admin/")
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    check_axe(page, "admin-dashboard")
    page.get_by_role("link", name="Fee schemes").click()
    page.get_by_role("checkbox", name=re.compile("Select this object")).first.check()
    _admin_action(page, "Raise this year's invoices for every member school")
    expect(page.get_by_text(re.compile(r"OSSHTA: 2 invoice\(s\) raised"))).to_be_visible()
    assert FeeInvoice.objects.filter(network__slug="osshta", state="due").count() == due_before + 2

    # One marked paid.
    page.goto(demo.url + "/admin/fees/feeinvoice/?state__exact=due")
    check_axe(page, "admin-invoices")
    page.get_by_role("checkbox", name=re.compile("Select this object")).first.check()
    _admin_action(page, "Mark the selected invoices paid today")
    expect(page.get_by_text("1 invoice(s) marked paid.")).to_be_visible()
    assert FeeInvoice.objects.filter(network__slug="osshta", state="due").count() == due_before + 1

    # The printable invoice.
    page.get_by_role("link", name=re.compile("^Print")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invoice OSSHTA-")
    check_page(page, "invoice")

    # The members, exported: OSSHTA's only.
    page.goto(demo.url + "/admin/networks/membership/")
    expect(page.get_by_role("link", name=oassh.name, exact=True)).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Export CSV")).click()
    rows = list(csv.DictReader(io.StringIO(
        download.value.path().read_text(encoding="utf-8-sig")
    )))  # fmt: skip
    assert rows and {row["Network"] for row in rows} == {"OSSHTA"}

    # Nothing of OASSH: not its history, not its rows through a crafted filter.
    response = page.goto(f"{demo.url}/networks/{oassh.slug}/history/")
    assert response.status == 403
    page.goto(f"{demo.url}/admin/networks/membership/?network={oassh.pk}")
    expect(page.get_by_text("0 memberships")).to_be_visible()
