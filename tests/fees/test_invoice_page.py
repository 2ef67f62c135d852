import datetime

import pytest
from django.urls import reverse

from fees import services

from .conftest import make_scheme, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(fee_network, administrator):
    seat(fee_network, email="the.head@school.example")
    return services.raise_invoices(network=fee_network, by=administrator).raised[0]


def test_the_printable_invoice_shows_what_a_school_needs_to_pay_it(client, administrator, invoice):
    client.force_login(administrator)

    page = client.get(reverse("fees:invoice", args=[invoice.pk])).content.decode()

    shown = [invoice.network.name, invoice.school.name, str(invoice.school.urn),
             invoice.year_label, "£450.00", invoice.reference, "sort code 00-00-00"]  # fmt: skip
    for text in shown:
        assert text in page
    assert "fees-print.css" in page


def test_the_schools_head_sees_its_invoice(client, invoice):
    client.force_login(invoice.school.posts.get().person)

    assert client.get(reverse("fees:invoice", args=[invoice.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["member", "coordinator", "outsider_administrator", "head"])
def test_nobody_else_learns_the_invoice_exists(client, request, invoice, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("fees:invoice", args=[invoice.pk])).status_code == 404


def test_a_member_school_sees_on_the_network_page_whether_its_fee_is_paid(
    client, fee_network, administrator
):
    school, head = seat(fee_network)
    client.force_login(head)
    url = reverse("networks:detail", args=[fee_network.slug])
    assert "has not been invoiced yet" in client.get(url).content.decode()

    (invoice,) = services.raise_invoices(network=fee_network, by=administrator).raised
    assert "<strong>due</strong>" in client.get(url).content.decode()

    services.mark_paid(invoice=invoice, paid_on=invoice.created_at.date(), by=administrator)
    assert "<strong>paid</strong>" in client.get(url).content.decode()


def test_people_without_a_seat_see_no_fee_section(client, member, network):
    make_scheme(network)
    client.force_login(member)

    page = client.get(reverse("networks:detail", args=[network.slug])).content.decode()

    # The member holds a person's place, not a school's seat: nothing to pay.
    assert "Your school's fee" not in page


# Issue 21, item 11: a paid fee has a receipt, reached from where the paid fee is shown.


def _paid(invoice, administrator):
    return services.mark_paid(
        invoice=invoice,
        paid_on=datetime.date(2026, 3, 3),
        by=administrator,
        reference="BACS 991",
    )


def test_a_paid_invoice_is_its_receipt(client, administrator, invoice):
    _paid(invoice, administrator)
    client.force_login(invoice.school.posts.get().person)

    page = client.get(reverse("fees:invoice", args=[invoice.pk])).content.decode()

    assert f'<h1 id="invoice-heading">Receipt for invoice {invoice.reference}</h1>' in page
    assert f"<title>Receipt {invoice.reference}" in page
    assert "Paid on 3 March 2026" in page and "BACS 991" in page
    assert "£450.00" in page and invoice.school.name in page
    assert "How to pay" not in page


def test_an_unpaid_invoice_is_no_receipt(client, administrator, invoice):
    client.force_login(administrator)

    page = client.get(reverse("fees:invoice", args=[invoice.pk])).content.decode()

    assert "Receipt" not in page and "How to pay" in page


def test_the_network_page_links_a_paid_fee_to_its_receipt(client, fee_network, administrator):
    school, head = seat(fee_network)
    (invoice,) = services.raise_invoices(network=fee_network, by=administrator).raised
    _paid(invoice, administrator)
    client.force_login(head)

    page = client.get(reverse("networks:detail", args=[fee_network.slug])).content.decode()
    me = client.get(reverse("me")).content.decode()

    receipt = reverse("fees:invoice", args=[invoice.pk])
    for content in (page, me):
        assert f'<a href="{receipt}">see the receipt' in content.lower()


@pytest.mark.parametrize("persona", ["member", "coordinator", "outsider_administrator", "head"])
def test_nobody_else_sees_a_receipt(client, request, administrator, invoice, persona):
    _paid(invoice, administrator)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("fees:invoice", args=[invoice.pk]))

    assert response.status_code == 404
    assert "BACS 991" not in response.content.decode()
