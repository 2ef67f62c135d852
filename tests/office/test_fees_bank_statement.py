"""A bank statement uploaded in the office: a preview of what matches, what is ambiguous
and what is unknown, then a confirmation; nothing changes before it, nothing changes that
was not previewed, and a file that is no statement says so and changes nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from fees import bank, services
from fees.models import FeeInvoice
from networks.models import Membership, Network
from tests import factories
from tests.fees.conftest import make_scheme, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def fee_network(network):
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    network.refresh_from_db()
    make_scheme(network)
    return network


@pytest.fixture
def invoices(fee_network, administrator):
    for _ in range(3):
        seat(fee_network)
    raised = services.raise_invoices(network=fee_network, by=administrator, email=False).raised
    return sorted(raised, key=lambda invoice: invoice.pk)


def _url(network) -> str:
    return reverse("office:bank_statement", args=[network.slug])


def _csv(*rows: str, header: str = "Date,Amount,Reference") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _upload(client, network, content: bytes, name: str = "statement.csv"):
    return client.post(_url(network), {"statement": SimpleUploadedFile(name, content, "text/csv")})


def _text(response) -> str:
    return response.content.decode()


def _invoices():
    return list(FeeInvoice.objects.order_by("pk").values())


@pytest.fixture
def statement(invoices):
    first, second, third = invoices
    return _csv(
        f"01/10/2026,450.00,{first.reference}",  # matches
        f"02/10/2026,£450.00,BACS {second.reference.lower()} THANKS",  # matches
        f"03/10/2026,400.00,{third.reference}",  # ambiguous: less than is due
        f"03/10/2026,450.00,{first.reference} {third.reference}",  # ambiguous: two invoices
        "04/10/2026,450.00,UNKNOWN-2026-1",  # unknown
        "05/10/2026,-120.00,Stationery",  # unknown: money going out
    )


def test_the_preview_shows_matches_ambiguous_and_unknown_rows_and_changes_nothing(
    client, administrator, fee_network, invoices, statement
):
    client.force_login(administrator)
    before = _invoices()

    page = _text(_upload(client, fee_network, statement))

    assert _invoices() == before
    assert not AuditEvent.objects.filter(action="invoice.paid").exists()
    assert "Matches: 2 invoices to mark paid" in page
    assert "Ambiguous: 2 rows for you to look at" in page
    assert "Unknown: 2 rows matching no invoice" in page
    assert "is for £450.00, not £400.00: less than is due" in page
    assert "Names 2 invoices" in page
    assert "No invoice of this network has that reference" in page
    assert "Mark 2 invoices paid" in page


def test_confirming_marks_paid_exactly_what_was_previewed(
    client, administrator, fee_network, invoices, statement
):
    client.force_login(administrator)
    preview = _upload(client, fee_network, statement)
    plan = preview.context["report"].plan

    response = client.post(_url(fee_network), {"confirm": "yes", "plan": plan}, follow=True)

    first, second, third = (FeeInvoice.objects.get(pk=invoice.pk) for invoice in invoices)
    assert (first.state, first.paid_on) == ("paid", datetime.date(2026, 10, 1))
    assert (second.state, second.payment_reference) == (
        "paid", f"BACS {second.reference.lower()} THANKS",
    )  # fmt: skip
    assert third.state == "due"
    assert "2 invoice(s) marked paid from statement.csv. 2 row(s) need a person" in _text(response)
    assert AuditEvent.objects.filter(action="invoice.paid", actor=administrator).count() == 2
    # The statement is gone from the session: confirming again does nothing.
    again = client.post(_url(fee_network), {"confirm": "yes", "plan": plan}, follow=True)
    assert "There is no statement waiting to be confirmed" in _text(again)


def test_a_payment_recorded_since_the_preview_stops_the_confirmation(
    client, administrator, fee_network, invoices, statement
):
    client.force_login(administrator)
    plan = _upload(client, fee_network, statement).context["report"].plan
    first = invoices[0]
    services.mark_paid(invoice=first, paid_on=datetime.date(2026, 9, 30), by=administrator,
                       reference="cheque 100")  # fmt: skip
    before = _invoices()

    response = client.post(_url(fee_network), {"confirm": "yes", "plan": plan})

    assert _invoices() == before  # not even the second, unchanged, match
    assert "Something changed since the preview" in _text(response)
    assert "Matches: 1 invoice to mark paid" in _text(response)  # the new preview
    new_plan = response.context["report"].plan
    client.post(_url(fee_network), {"confirm": "yes", "plan": new_plan})
    assert FeeInvoice.objects.get(pk=invoices[1].pk).state == "paid"


@pytest.mark.parametrize("plan", ["", "0" * 64, "not a plan"])
def test_a_confirmation_without_the_previews_plan_does_nothing(
    client, administrator, fee_network, invoices, statement, plan
):
    client.force_login(administrator)
    _upload(client, fee_network, statement)
    before = _invoices()

    client.post(_url(fee_network), {"confirm": "yes", "plan": plan})

    assert _invoices() == before


def test_a_statement_previewed_for_one_network_is_not_confirmed_in_another(
    client, administrator, fee_network, invoices, statement, other_network
):
    """The session holds a statement per network; the other network's page has none."""
    factories.make_membership(person=administrator, network=other_network,
                              role=Membership.Role.ADMINISTRATOR)  # fmt: skip
    client.force_login(administrator)
    plan = _upload(client, fee_network, statement).context["report"].plan
    before = _invoices()

    response = client.post(_url(other_network), {"confirm": "yes", "plan": plan}, follow=True)

    assert "There is no statement waiting to be confirmed" in _text(response)
    assert _invoices() == before


# Hostile and broken files ---------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(range(256)) * 4
XLSX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 64 + b"[Content_Types].xml"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PNG, "This file is not a CSV file we can read"),
        (XLSX, "This file is not a CSV file we can read"),
        # UTF-16 without its byte order mark: every other byte is a zero.
        ("Date,Amount,Reference\n".encode("utf-16-le"), "This file is not a CSV file we can read"),
        (b"", "The submitted file is empty."),
        (b"   \n", "The file is empty."),
        (b"Date,Paid\n01/10/2026,450\n", "The statement has no &#x27;amount&#x27; column"),
        (_csv(*["01/10/2026,450.00,X"] * (bank.MAX_ROWS + 1)), "more than 5,000 rows"),
        (b"Date,Amount,Reference\n01/10/2026,450.00," + b"A" * 140_000 + b"\n",
         "Line 2 cannot be read"),
    ],
    ids=["png", "xlsx", "utf16-no-bom", "empty", "blank", "no-amount", "too-many-rows",
         "field-too-long"],
)  # fmt: skip
def test_a_file_that_is_no_statement_gets_a_clear_message_and_changes_nothing(
    client, administrator, fee_network, invoices, content, message
):
    client.force_login(administrator)
    _upload(client, fee_network, _csv(f"01/10/2026,450.00,{invoices[0].reference}"))
    before = _invoices()

    response = _upload(client, fee_network, content)

    assert response.status_code == 200
    assert message in _text(response)
    assert response.context["report"] is None
    assert _invoices() == before
    assert not any(key.startswith("office:bank_statement") for key, _ in client.session.items())


def test_a_huge_file_is_refused_by_its_size(client, administrator, fee_network, invoices):
    client.force_login(administrator)
    before = _invoices()

    response = _upload(client, fee_network, b"Date,Amount,Reference\n" + b"x" * bank.MAX_BYTES)

    assert "The file is larger than 2 MB" in _text(response)
    assert _invoices() == before


def test_a_windows_1252_statement_is_read(client, administrator, fee_network, invoices):
    first = invoices[0]
    content = f"Date,Paid in,Description\n01/10/2026,£450.00,{first.reference}\n".encode("cp1252")
    client.force_login(administrator)

    page = _text(_upload(client, fee_network, content))

    assert "Matches: 1 invoice to mark paid" in page


def test_a_utf16_statement_with_its_mark_is_read(client, administrator, fee_network, invoices):
    content = f"Date,Amount,Reference\n01/10/2026,450.00,{invoices[0].reference}\n"
    client.force_login(administrator)

    page = _text(_upload(client, fee_network, content.encode("utf-16")))

    assert "Matches: 1 invoice to mark paid" in page


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://evil.example","{ref}")', "@SUM(1+1) {ref}", "+cmd|' /C calc'!A0 {ref}",
     "-2+3+cmd|' /C calc'!A0 {ref}", "\t=1+1 {ref}"],
)  # fmt: skip
def test_a_formula_cell_is_left_alone_and_said_so(
    client, administrator, fee_network, invoices, cell
):
    first = invoices[0]
    content = _csv(f'01/10/2026,450.00,"{cell.format(ref=first.reference)}"')
    client.force_login(administrator)

    page = _upload(client, fee_network, content)
    plan = page.context["report"].plan
    client.post(_url(fee_network), {"confirm": "yes", "plan": plan})

    assert "A cell holds a spreadsheet formula, not what a bank writes: left alone" in _text(page)
    assert "Matches: 0 invoices" in _text(page)
    assert FeeInvoice.objects.get(pk=first.pk).state == "due"


def test_a_signed_amount_is_no_formula():
    assert not bank.is_formula("-450.00")
    assert not bank.is_formula("+ £450.00")
    assert not bank.is_formula("-")
    assert bank.is_formula("-A1")


def test_a_payment_dated_in_the_future_needs_a_person(client, administrator, fee_network, invoices):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    content = _csv(f"{tomorrow:%d/%m/%Y},450.00,{invoices[0].reference}")
    client.force_login(administrator)

    page = _text(_upload(client, fee_network, content))

    assert "Is dated in the future: check the statement" in page
    assert "Matches: 0 invoices" in page


def test_the_command_and_the_office_read_a_statement_alike(fee_network, invoices, tmp_path):
    """match_bank_payments stays, and reads files the way the upload does."""
    path = tmp_path / "statement.csv"
    path.write_bytes(f"Date,Amount,Reference\n01/10/2026,£450.00,{invoices[0].reference}\n"
                     .encode("cp1252"))  # fmt: skip

    call_command("match_bank_payments", fee_network.slug, str(path))

    assert FeeInvoice.objects.get(pk=invoices[0].pk).state == "paid"
