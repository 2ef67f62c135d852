"""A school's finance contact: named by its head (from /me/ or the invoice email) or by an
administrator of a network it belongs to; invoices and reminders go to them as well."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from fees import services
from fees.models import FinanceContact
from networks.models import Membership, Network
from tests import factories

from .conftest import make_scheme, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def seated(fee_network):
    return seat(fee_network, email="the.head@school.example")


def _url(school) -> str:
    return reverse("fees:finance_contact", args=[school.urn])


def test_a_head_names_their_schools_finance_contact(client, seated):
    school, head = seated
    client.force_login(head)

    response = client.post(
        _url(school), {"name": "Pat Bursar", "email": "bursar@school.example"}, follow=True
    )

    contact = FinanceContact.objects.get(school=school)
    assert (contact.name, contact.email, contact.updated_by) == (
        "Pat Bursar", "bursar@school.example", head,
    )  # fmt: skip
    assert "now go to bursar@school.example as well as to its head" in response.content.decode()
    event = AuditEvent.objects.get(action="school.finance_contact_named")
    assert event.actor == head and event.network_id is None
    assert "bursar@school.example" not in str(event.changes) + event.summary


def test_the_head_finds_the_page_from_their_own_page(client, seated, administrator):
    school, head = seated
    services.raise_invoices(network=school.memberships.get().network, by=administrator)
    client.force_login(head)

    page = client.get(reverse("me")).content.decode()

    assert _url(school) in page


def test_an_administrator_of_a_network_the_school_is_in_names_it_too(
    client, seated, administrator, fee_network
):
    school, _head = seated
    client.force_login(administrator)

    client.post(_url(school), {"email": "finance@school.example"})

    assert FinanceContact.objects.get(school=school).email == "finance@school.example"
    event = AuditEvent.objects.get(action="school.finance_contact_named")
    assert event.network_id == fee_network.pk


@pytest.mark.parametrize("persona", ["member", "coordinator", "outsider_administrator", "head"])
def test_nobody_else_sees_or_names_it(client, request, seated, persona):
    school, _head = seated
    FinanceContact.objects.create(school=school, email="bursar@school.example")
    client.force_login(request.getfixturevalue(persona))

    shown = client.get(_url(school))
    posted = client.post(_url(school), {"email": "thief@evil.example"})

    assert shown.status_code == posted.status_code == 404
    assert "bursar@school.example" not in shown.content.decode()
    assert FinanceContact.objects.get(school=school).email == "bursar@school.example"


def test_an_administrator_whose_network_the_school_left_cannot_name_it(
    client, seated, administrator, fee_network
):
    school, head = seated
    Membership.objects.filter(school=school).update(status=Membership.Status.LAPSED)
    client.force_login(administrator)

    assert client.get(_url(school)).status_code == 404


def test_emptying_the_address_sends_invoices_to_the_head_only(client, seated):
    school, head = seated
    services.set_finance_contact(school=school, email="bursar@school.example", by=head)
    client.force_login(head)

    client.post(_url(school), {"email": ""})

    assert not FinanceContact.objects.filter(school=school).exists()
    assert AuditEvent.objects.filter(action="school.finance_contact_removed").exists()


def test_a_finance_contact_must_be_an_email_address(seated):
    school, head = seated
    with pytest.raises(ValidationError, match="not an email address"):
        services.set_finance_contact(school=school, email="the bursar", by=head)


def test_the_finance_contact_gets_the_invoice_and_the_reminders_each_on_their_own(
    seated, fee_network, administrator
):
    school, head = seated
    services.set_finance_contact(school=school, email="bursar@school.example", by=head)

    (invoice,) = services.raise_invoices(network=fee_network, by=administrator).raised

    assert sorted(message.to for message in mail.outbox) == [
        ["bursar@school.example"], ["the.head@school.example"],
    ]  # fmt: skip
    assert services.invoice_recipients(school) == [
        "the.head@school.example", "bursar@school.example",
    ]  # fmt: skip
    assert invoice.school == school


def test_a_finance_contact_who_is_the_head_gets_one_email(seated, fee_network, administrator):
    school, head = seated
    services.set_finance_contact(school=school, email="The.Head@school.example", by=head)

    services.raise_invoices(network=fee_network, by=administrator)

    assert [message.to for message in mail.outbox] == [["the.head@school.example"]]


def test_one_contact_serves_every_network_the_school_is_in(seated, fee_network, other_network):
    school, head = seated
    Network.objects.filter(pk=other_network.pk).update(basis=Network.Basis.SCHOOL)
    make_scheme(other_network)
    factories.make_membership(person=head, network=other_network, school=school)
    services.set_finance_contact(school=school, email="bursar@school.example", by=head)

    services.raise_invoices(network=other_network, by=None)

    assert ["bursar@school.example"] in [message.to for message in mail.outbox]
