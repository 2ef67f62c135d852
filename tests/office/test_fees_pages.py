"""The office's fees, as the network's administrator uses them and as everyone else is
refused them: the scheme in pounds, raising and emailing the year's invoices, one invoice's
payment, waiver and reissue, and reminders."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from fees import services
from fees.models import FeeInvoice, FeeScheme
from networks.models import Network
from tests.fees.conftest import make_scheme, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def fee_network(network):
    """`network`, school-based, charging £450 a year, paid by bank transfer."""
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    network.refresh_from_db()
    make_scheme(
        network,
        bank_account_name="Oxfordshire Primary Heads",
        bank_sort_code="20-00-00",
        bank_account_number="12345678",
    )
    return network


@pytest.fixture
def invoice(fee_network, administrator):
    seat(fee_network, email="the.head@school.example")
    invoice = services.raise_invoices(network=fee_network, by=administrator).raised[0]
    mail.outbox.clear()
    return invoice


def _url(name, network, *args):
    return reverse(f"office:{name}", args=[network.slug, *args])


def _text(response) -> str:
    return response.content.decode()


def _later(days: int):
    return time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days))


# The fees page ------------------------------------------------------------------------


def test_the_fees_page_shows_the_scheme_in_pounds_the_years_invoices_and_totals(
    client, administrator, fee_network
):
    paid_school, _ = seat(fee_network)
    due_school, _ = seat(fee_network)
    raised = services.raise_invoices(network=fee_network, by=administrator).raised
    paid = next(invoice for invoice in raised if invoice.school == paid_school)
    services.mark_paid(invoice=paid, paid_on=timezone.localdate(), by=administrator)
    client.force_login(administrator)

    page = _text(client.get(_url("fees", fee_network)))

    assert "£450.00 a year" in page
    assert 'sort code <span class="text-nowrap">20-00-00</span>, account 12345678' in page
    assert paid_school.name in page and due_school.name in page
    assert "<strong>Invoiced:</strong> 2 (£900.00)" in page
    assert "<strong>Paid:</strong> 1 (£450.00)" in page
    assert "<strong>Due:</strong> 1 (£450.00)" in page
    assert '<span class="stack-label">State</span>Due' in page


def test_the_fees_page_offers_to_raise_the_invoices_of_schools_not_yet_invoiced(
    client, administrator, fee_network
):
    seat(fee_network)
    seat(fee_network)
    client.force_login(administrator)

    page = _text(client.get(_url("fees", fee_network)))

    assert "Raise and email 2 invoices" in page
    assert "2 member schools have no invoice" in page


def test_a_network_without_a_scheme_is_asked_to_set_its_fee_first(client, administrator, network):
    client.force_login(administrator)

    page = _text(client.get(_url("fees", network)))

    assert "has no fee scheme yet" in page
    assert _url("fee_scheme", network) in page
    assert "Raise and email" not in page


def test_the_fees_page_asks_the_same_number_of_queries_for_many_invoices(
    client, administrator, fee_network
):
    seat(fee_network)
    services.raise_invoices(network=fee_network, by=administrator, email=False)
    client.force_login(administrator)
    client.get(_url("fees", fee_network))  # the session and the first visit's work

    with CaptureQueriesContext(connection) as few:
        client.get(_url("fees", fee_network))
    for _ in range(6):
        seat(fee_network)
    services.raise_invoices(network=fee_network, by=administrator, email=False)
    client.get(_url("fees", fee_network))  # the network, read again after the new seats
    with CaptureQueriesContext(connection) as many:
        page = _text(client.get(_url("fees", fee_network)))

    assert page.count('<span class="stack-label">Reference</span>') == 7
    assert len(many) == len(few) <= 11


@pytest.mark.parametrize(
    "persona", ["head", "member", "coordinator", "outsider_administrator", "outsider_member"]
)
def test_nobody_but_the_networks_administrators_sees_its_fees(
    client, request, invoice, fee_network, persona
):
    client.force_login(request.getfixturevalue(persona))

    for url in [
        _url("fees", fee_network),
        _url("fee_scheme", fee_network),
        _url("fee_invoice", fee_network, invoice.pk),
        _url("fee_invoice_pdf", fee_network, invoice.pk),
        _url("bank_statement", fee_network),
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert invoice.reference not in _text(response)
        assert invoice.school.name not in _text(response)


def test_a_visitor_is_asked_to_sign_in(client, fee_network):
    response = client.get(_url("fees", fee_network))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_another_networks_invoice_is_not_found_under_this_network(
    client, administrator, fee_network, other_network, staff
):
    Network.objects.filter(pk=other_network.pk).update(basis=Network.Basis.SCHOOL)
    make_scheme(other_network)
    seat(other_network)
    theirs = services.raise_invoices(network=other_network, by=staff).raised[0]
    client.force_login(administrator)

    for name in ["fee_invoice", "fee_invoice_pdf"]:
        assert client.get(_url(name, fee_network, theirs.pk)).status_code == 404
    response = client.post(
        _url("fee_payment", fee_network, theirs.pk),
        {"payment-paid_on": "2026-01-05", "payment-amount_pence": "450"},
    )
    assert response.status_code == 404
    assert FeeInvoice.objects.get(pk=theirs.pk).state == "due"


# The scheme -------------------------------------------------------------------------------


def _scheme_data(**changes):
    data = {
        "basis": "flat",
        "flat_amount_pence": "£1,250.00",
        "year_kind": "academic",
        "reference_prefix": "oph",
        "days_to_pay": "30",
        "bank_account_name": "Oxfordshire Primary Heads",
        "bank_sort_code": "20 00 00",
        "bank_account_number": "1234 5678",
        "how_to_pay": "",
    }
    return data | changes


def test_an_administrator_sets_a_flat_fee_in_pounds(client, administrator, network):
    client.force_login(administrator)

    response = client.post(_url("fee_scheme", network), _scheme_data())

    assert response.status_code == 302
    scheme = FeeScheme.objects.get(network=network)
    assert scheme.flat_amount_pence == 125000
    assert (scheme.reference_prefix, scheme.bank_sort_code, scheme.bank_account_number) == (
        "OPH", "20-00-00", "12345678",
    )  # fmt: skip
    event = AuditEvent.objects.get(action="fees.scheme_set")
    assert event.actor == administrator and event.network_id == network.pk
    page = _text(client.get(_url("fee_scheme", network)))
    assert 'value="1250.00"' in page


def test_an_administrator_sets_a_fee_banded_by_pupils(client, administrator, fee_network):
    client.force_login(administrator)
    data = _scheme_data(basis="banded", flat_amount_pence="", reference_prefix="OPH",
                        band_0_up_to="200", band_0_amount="300",
                        band_1_up_to="", band_1_amount="£600.00")  # fmt: skip

    client.post(_url("fee_scheme", fee_network), data)

    scheme = FeeScheme.objects.get(network=fee_network)
    assert scheme.basis == "banded" and scheme.flat_amount_pence is None
    assert list(scheme.bands.values_list("up_to_pupils", "amount_pence")) == [
        (200, 30000), (None, 60000)
    ]  # fmt: skip
    small, _ = seat(fee_network, pupils=150)
    large, _ = seat(fee_network, pupils=900)
    amounts = {i.school: i.amount_pence for i in services.raise_invoices(
        network=fee_network, by=administrator).raised}  # fmt: skip
    assert amounts == {small: 30000, large: 60000}
    changed = AuditEvent.objects.get(action="fees.scheme_changed")
    assert changed.changes["Bands"] == ["", "up to 200: £300.00; larger: £600.00"]
    network_page = _text(client.get(fee_network.get_absolute_url()))
    assert "£300.00 to £600.00, by the school&#x27;s number of pupils" in network_page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"flat_amount_pence": "twelve pounds"}, "Enter an amount in pounds"),
        ({"flat_amount_pence": ""}, "A flat fee needs an amount"),
        ({"flat_amount_pence": "£1,000,000"}, "Enter at most £100,000.00"),
        ({"bank_sort_code": "20-00"}, "A sort code is six digits"),
        ({"bank_account_number": ""}, "Give both the sort code and the account number"),
        ({"basis": "banded", "band_0_up_to": "100", "band_0_amount": "300"},
         "Leave the pupil limit empty on exactly one band"),
        ({"basis": "banded", "band_0_up_to": "100"}, "Give the fee for this band"),
    ],
)  # fmt: skip
def test_a_scheme_that_does_not_add_up_is_shown_again_with_why(
    client, administrator, network, changes, message
):
    client.force_login(administrator)

    response = client.post(_url("fee_scheme", network), _scheme_data(**changes))

    assert response.status_code == 200
    assert message in _text(response)
    assert not FeeScheme.objects.filter(network=network).exists()


def test_a_reference_prefix_another_network_uses_is_refused(
    client, administrator, network, other_network
):
    make_scheme(other_network, reference_prefix="OPH")
    client.force_login(administrator)

    response = client.post(_url("fee_scheme", network), _scheme_data())

    assert "Another network&#x27;s invoices already start with OPH" in _text(response)
    assert not FeeScheme.objects.filter(network=network).exists()


# Raising and emailing ---------------------------------------------------------------------


def test_raising_emails_each_invoice_as_a_pdf_to_the_head_and_the_finance_contact(
    client, administrator, fee_network
):
    school, head = seat(fee_network, email="the.head@school.example")
    services.set_finance_contact(school=school, email="bursar@school.example", by=head)
    client.force_login(administrator)

    response = client.post(_url("fee_invoices_raise", fee_network), follow=True)

    invoice = FeeInvoice.objects.get(network=fee_network)
    assert "1 invoice(s) raised" in _text(response) and "1 emailed as a PDF" in _text(response)
    assert sorted(message.to for message in mail.outbox) == [
        ["bursar@school.example"], ["the.head@school.example"]
    ]  # fmt: skip
    for message in mail.outbox:
        [(filename, content, mimetype)] = message.attachments
        assert filename == f"{invoice.reference}.pdf" and mimetype == "application/pdf"
        assert content.startswith(b"%PDF")
        assert invoice.reference in message.subject and "£450.00" in message.body
    to_head = next(m for m in mail.outbox if m.to == ["the.head@school.example"])
    to_bursar = next(m for m in mail.outbox if m.to == ["bursar@school.example"])
    # Only the head is offered the page (the finance office has no account) and the choice.
    assert reverse("fees:finance_contact", args=[school.urn]) in to_head.body
    assert reverse("fees:invoice", args=[invoice.pk]) not in to_bursar.body
    assert invoice.emailed_at is not None
    assert AuditEvent.objects.filter(action="invoice.emailed", object_id=invoice.pk).exists()


def test_raising_twice_raises_and_emails_nothing_more(client, administrator, fee_network):
    seat(fee_network)
    client.force_login(administrator)
    client.post(_url("fee_invoices_raise", fee_network))
    mail.outbox.clear()

    response = client.post(_url("fee_invoices_raise", fee_network), follow=True)

    assert "0 invoice(s) raised; 1 school(s) already had one" in _text(response)
    assert mail.outbox == []
    assert FeeInvoice.objects.filter(network=fee_network).count() == 1


def test_a_school_with_nobody_to_send_it_to_is_named(client, administrator, fee_network):
    school, head = seat(fee_network)
    head.posts.update(ended_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(administrator)

    response = client.post(_url("fee_invoices_raise", fee_network), follow=True)

    assert f"not emailed (no verified head or finance contact to send it to): {school.name}" in (
        _text(response)
    )
    assert mail.outbox == []


# One invoice --------------------------------------------------------------------------------


def test_the_invoice_page_links_its_pdf_and_the_pdf_opens(client, administrator, invoice):
    client.force_login(administrator)
    network = invoice.network

    page = _text(client.get(_url("fee_invoice", network, invoice.pk)))
    pdf = client.get(_url("fee_invoice_pdf", network, invoice.pk))

    assert _url("fee_invoice_pdf", network, invoice.pk) in page
    assert "Record a payment" in page and "Waive the fee" in page and "Reissue" in page
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'inline; filename="{invoice.reference}.pdf"'
    assert "no-store" in pdf["Cache-Control"]
    assert pdf.content.startswith(b"%PDF")


def test_a_payment_is_recorded_with_its_date_amount_and_reference(client, administrator, invoice):
    client.force_login(administrator)

    response = client.post(
        _url("fee_payment", invoice.network, invoice.pk),
        {"payment-paid_on": "2026-10-03", "payment-amount_pence": "£450.00",
         "payment-reference": "BACS OPH 123"},
        follow=True,
    )  # fmt: skip

    invoice.refresh_from_db()
    assert (invoice.state, invoice.paid_on, invoice.payment_reference) == (
        "paid", datetime.date(2026, 10, 3), "BACS OPH 123",
    )  # fmt: skip
    assert f"{invoice.reference} is recorded as paid." in _text(response)
    event = AuditEvent.objects.get(action="invoice.paid")
    assert event.actor == administrator
    assert event.changes["Payment reference"] == ["", "BACS OPH 123"]
    assert "Record a payment" not in _text(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"payment-paid_on": "2099-01-01", "payment-amount_pence": "450"},
         "A payment cannot be dated in the future."),
        ({"payment-paid_on": "2026-10-03", "payment-amount_pence": "400"},
         "is for £450.00, not £400.00"),
        ({"payment-paid_on": "", "payment-amount_pence": "450"}, "This field is required."),
        ({"payment-paid_on": "2026-10-03", "payment-amount_pence": "4,50"},
         "Enter an amount in pounds"),
    ],
)  # fmt: skip
def test_a_payment_in_the_future_or_for_another_amount_is_refused(
    client, administrator, invoice, data, message
):
    client.force_login(administrator)

    response = client.post(_url("fee_payment", invoice.network, invoice.pk), data)

    assert response.status_code == 200
    assert message in _text(response)
    assert FeeInvoice.objects.get(pk=invoice.pk).state == "due"
    assert not AuditEvent.objects.filter(action="invoice.paid").exists()


def test_an_invoice_is_waived_with_a_reason_and_only_with_one(client, administrator, invoice):
    client.force_login(administrator)
    url = _url("fee_waive", invoice.network, invoice.pk)

    refused = client.post(url, {"waive-reason": "  "})
    assert FeeInvoice.objects.get(pk=invoice.pk).state == "due"
    assert "This field is required." in _text(refused)

    client.post(url, {"waive-reason": "The school closes in December"})
    invoice.refresh_from_db()
    assert (invoice.state, invoice.waived_reason) == ("waived", "The school closes in December")
    assert AuditEvent.objects.get(action="invoice.waived").actor == administrator


def test_a_reissued_invoice_has_its_new_amount_and_goes_to_the_school_again(
    client, administrator, invoice
):
    client.force_login(administrator)

    client.post(
        _url("fee_reissue", invoice.network, invoice.pk),
        {"reissue-amount_pence": "400.00", "reissue-reason": "Agreed by the committee"},
    )

    invoice.refresh_from_db()
    assert invoice.amount_pence == 40000
    assert invoice.due_on == timezone.localdate() + datetime.timedelta(days=30)
    [message] = mail.outbox
    assert message.to == ["the.head@school.example"] and "£400.00" in message.body
    event = AuditEvent.objects.get(action="invoice.reissued")
    assert event.changes["Amount"] == ["£450.00", "£400.00"]
    assert event.changes["Reason"] == ["", "Agreed by the committee"]


def test_a_paid_invoice_cannot_be_waived_reissued_or_paid_again(client, administrator, invoice):
    services.mark_paid(invoice=invoice, paid_on=timezone.localdate(), by=administrator)
    client.force_login(administrator)
    before = list(FeeInvoice.objects.values())

    page = _text(client.get(_url("fee_invoice", invoice.network, invoice.pk)))
    responses = [
        client.post(_url("fee_waive", invoice.network, invoice.pk), {"waive-reason": "Late"}),
        client.post(_url("fee_reissue", invoice.network, invoice.pk),
                    {"reissue-amount_pence": "1", "reissue-reason": "Oops"}),
        client.post(_url("fee_payment", invoice.network, invoice.pk),
                    {"payment-paid_on": "2026-01-01", "payment-amount_pence": "450"}),
    ]  # fmt: skip

    assert "Record a payment" not in page
    assert all("is already Paid" in _text(r) or "is paid" in _text(r) for r in responses)
    assert list(FeeInvoice.objects.values()) == before
    assert mail.outbox == []


# Reminders ------------------------------------------------------------------------------


def test_send_reminders_now_keeps_to_once_per_interval(client, administrator, invoice):
    client.force_login(administrator)
    url = _url("fee_reminders", invoice.network)

    too_soon = client.post(url, follow=True)
    assert "No reminders sent" in _text(too_soon) and mail.outbox == []

    with _later(29):
        client.force_login(administrator)  # the session of a month ago has expired
        sent = client.post(url, follow=True)
        again = client.post(url, follow=True)

    assert "1 reminder(s) sent" in _text(sent)
    assert "No reminders sent" in _text(again)
    [message] = mail.outbox
    assert message.to == ["the.head@school.example"] and "is due" in message.body
    assert message.attachments[0][2] == "application/pdf"
    assert FeeInvoice.objects.get(pk=invoice.pk).reminders_sent == 1
    assert AuditEvent.objects.get(action="invoice.reminded").actor == administrator


def test_reminders_from_one_network_leave_anothers_invoices_alone(
    client, administrator, invoice, other_network, staff
):
    Network.objects.filter(pk=other_network.pk).update(basis=Network.Basis.SCHOOL)
    make_scheme(other_network)
    seat(other_network, email="their.head@school.example")
    services.raise_invoices(network=other_network, by=staff)
    mail.outbox.clear()
    client.force_login(administrator)

    with _later(29):
        client.force_login(administrator)
        client.post(_url("fee_reminders", invoice.network))

    assert [message.to for message in mail.outbox] == [["the.head@school.example"]]
