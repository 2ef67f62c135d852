"""A member school's fee history after an academy conversion (docs/rules.md, "Academy
conversions"): its invoices stay its own, and are seen, reminded and counted with the
school that carries it on."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from fees import services
from fees.models import FeeInvoice
from members import conversions
from members.models import School
from tests import factories

from .conftest import seat

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 1, 1)


@pytest.fixture
def converted(fee_network, administrator):
    """A member school invoiced this year (due), then closed into an academy: (the closed
    school, the academy, its head, the invoice)."""
    old, head = seat(fee_network, email="head@old.example")
    invoice = services.raise_invoices(network=fee_network, by=administrator).raised[0]
    new = factories.make_school(name="Teaselstead Catholic Academy", sector="secondary")
    School.objects.filter(pk=old.pk).update(status=School.Status.CLOSED)
    conversions.convert_school(predecessor=old, successor=new, on=ON)
    mail.outbox.clear()
    return old, new, head, invoice


def test_the_academy_is_not_invoiced_again_for_a_year_the_closed_school_was(
    converted, fee_network, administrator
):
    old, new, _, _ = converted

    report = services.raise_invoices(network=fee_network, by=administrator)

    assert report.raised == [] and report.already == 1
    assert list(FeeInvoice.objects.values_list("school", flat=True)) == [old.pk]


def test_the_academy_is_invoiced_in_its_own_name_the_next_year(
    converted, fee_network, administrator
):
    _, new, _, invoice = converted

    report = services.raise_invoices(network=fee_network, by=administrator, year=invoice.year + 1)

    assert [raised.school for raised in report.raised] == [new]


def test_the_academys_heads_see_the_closed_schools_invoice_and_others_do_not(
    client, converted, head
):
    _, new, carried_head, invoice = converted
    new_deputy_head = factories.make_head(school=new)
    url = reverse("fees:invoice", args=[invoice.pk])

    for person in (carried_head, new_deputy_head):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert "Carried on by" in page
        assert "Teaselstead Catholic Academy (URN" in page and "from 1 January 2025" in page
    client.force_login(head)  # the head of some other school
    assert client.get(url).status_code == 404


def test_a_due_invoice_of_the_closed_school_is_reminded_to_the_academys_heads(converted):
    _, new, carried_head, invoice = converted

    assert services.send_reminders() == 1

    [email] = mail.outbox
    assert email.to == [carried_head.email]
    assert invoice.reference in email.body


def test_the_network_page_shows_the_closed_schools_invoice_as_the_academys_fee(
    client, converted, fee_network
):
    old, new, carried_head, invoice = converted
    earlier = FeeInvoice.objects.create(
        network=fee_network, school=old, year=invoice.year - 1, year_kind=invoice.year_kind,
        amount_pence=42000, reference=f"OLD-{invoice.year - 1}",
    )  # fmt: skip
    client.force_login(carried_head)

    page = client.get(reverse("networks:detail", args=[fee_network.slug])).content.decode()
    text = " ".join(page.split())

    assert f"{new.name}'s fee for" in text
    assert f"invoiced to {old.name}, which it carries on" in text
    assert f"Before {new.name}" in text
    assert reverse("fees:invoice", args=[earlier.pk]) in page
    assert "£420.00, due" in text


def test_my_page_shows_the_closed_schools_invoice_for_the_academys_seat(client, converted):
    old, new, carried_head, invoice = converted
    client.force_login(carried_head)

    text = " ".join(client.get(reverse("me")).content.decode().split())

    assert f"{new.name}, {invoice.year_label} (invoiced to {old.name}, which it carries on)" in text
    assert invoice.reference in text
