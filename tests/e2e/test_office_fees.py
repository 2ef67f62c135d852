"""A network's administrator runs the year's fees from the office, at 1280 and 390 px:
raises and emails the invoices, opens one's PDF, records a payment, and uploads a bank
statement whose matches they confirm."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from fees import services
from fees.models import FeeInvoice
from members.models import School
from networks.models import Membership, Network
from tests import factories
from tests.e2e.conftest import check_page
from tests.e2e.test_networks import sign_in

ADMIN = "fees.admin@osshta.example"


@pytest.fixture
def office(server):
    network = factories.make_network(
        name="Oxfordshire Secondary Head Teacher Association", short_name="OSSHTA",
        slug="osshta", sectors=[School.Sector.SECONDARY], basis=Network.Basis.SCHOOL,
    )  # fmt: skip
    administrator = factories.make_user(email=ADMIN, first_name="Alex", last_name="Admin")
    factories.make_membership(
        person=administrator, network=network, role=Membership.Role.ADMINISTRATOR
    )
    services.save_scheme(
        network=network,
        terms=services.SchemeTerms(
            basis="flat", year_kind="academic", reference_prefix="OSSHTA",
            flat_amount_pence=45000, bank_account_name="OSSHTA",
            bank_sort_code="20-00-00", bank_account_number="12345678",
        ),
        by=administrator,
    )  # fmt: skip
    for name in ["Cherwell School", "Gosford Hill School", "Matthew Arnold School"]:
        school = factories.make_school(name=name, sector=School.Sector.SECONDARY)
        head = factories.make_head(school=school)
        factories.make_membership(person=head, network=network, school=school)
    mail.outbox.clear()
    return server, network


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_administrator_runs_the_years_fees_from_the_office(page, office):
    server, network = office
    fees_url = f"{server.url}/networks/{network.slug}/office/fees/"
    sign_in(page, server, ADMIN, password=factories.PASSWORD)

    # Raise and email the year's invoices.
    page.goto(fees_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fees of OSSHTA")
    check_page(page, "office-fees-before")
    page.get_by_role("button", name="Raise and email 3 invoices").click()
    expect(
        page.get_by_text(re.compile(r"3 invoice\(s\) raised.*3 emailed as a PDF"))
    ).to_be_visible()
    assert FeeInvoice.objects.filter(network=network, state="due").count() == 3
    assert len(mail.outbox) == 3
    assert all(message.attachments[0][2] == "application/pdf" for message in mail.outbox)
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits_the_screen(page), "the invoice list scrolls sideways on a phone"
    page.set_viewport_size({"width": 1280, "height": 800})
    check_page(page, "office-fees-raised")

    # One invoice: its PDF opens, and its payment is recorded.
    page.get_by_role("link", name="Cherwell School").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invoice OSSHTA-")
    check_page(page, "office-fee-invoice")
    pdf_link = page.get_by_role("link", name=re.compile("Open the PDF"))
    pdf = page.context.request.get(server.url + pdf_link.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    page.get_by_label("Payment reference").fill("BACS 4471")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text(re.compile(r"OSSHTA-\S+ is recorded as paid\."))).to_be_visible()
    cherwell = FeeInvoice.objects.get(network=network, school__name="Cherwell School")
    assert (cherwell.state, cherwell.payment_reference) == ("paid", "BACS 4471")

    # A bank statement: previewed, then confirmed.
    gosford = FeeInvoice.objects.get(network=network, school__name="Gosford Hill School")
    arnold = FeeInvoice.objects.get(network=network, school__name="Matthew Arnold School")
    today = f"{gosford.created_at:%d/%m/%Y}"
    statement = (
        "Date,Amount,Reference\n"
        f"{today},450.00,BACS {gosford.reference}\n"
        f"{today},400.00,{arnold.reference}\n"
        f"{today},75.00,Conference tickets\n"
    ).encode()
    page.goto(fees_url)
    page.get_by_role("link", name="Upload a bank statement").click()
    check_page(page, "office-bank-statement")
    page.get_by_label("Bank statement (CSV)").set_input_files(
        files=[{"name": "october.csv", "mimeType": "text/csv", "buffer": statement}]
    )
    page.get_by_role("button", name="Check the statement").click()
    expect(page.get_by_role("heading", name="Matches: 1 invoice to mark paid")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Ambiguous: 1 row"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Unknown: 1 row"))).to_be_visible()
    assert FeeInvoice.objects.get(pk=gosford.pk).state == "due"  # nothing yet
    check_page(page, "office-bank-preview")
    page.get_by_role("button", name="Mark 1 invoice paid").click()
    expect(page.get_by_text("1 invoice(s) marked paid from october.csv")).to_be_visible()
    assert FeeInvoice.objects.get(pk=gosford.pk).state == "paid"
    assert FeeInvoice.objects.get(pk=arnold.pk).state == "due"
    expect(page.get_by_text(re.compile(r"Paid:\s*2 \(£900\.00\)"))).to_be_visible()

    # The scheme, in pounds: next year's fee goes up.
    page.get_by_role("link", name="Change the fee scheme").click()
    check_page(page, "office-fee-scheme")
    page.get_by_label("Flat fee per school (£)").fill("£475.00")
    page.get_by_role("button", name="Save the fee scheme").click()
    expect(page.get_by_text("£475.00 a year")).to_be_visible()
    assert FeeInvoice.objects.get(pk=arnold.pk).amount_pence == 45000  # raised: unchanged
