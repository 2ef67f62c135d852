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
