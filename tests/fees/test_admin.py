"""Fees in the admin: an administrator raises and settles their own networks' invoices and
nothing of anyone else's, whatever they post."""

import pytest
from django.urls import reverse

from fees import services
from fees.models import FeeInvoice, FeeScheme
from networks.models import Network

from .conftest import make_scheme, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_fee_network(other_network):
    Network.objects.filter(pk=other_network.pk).update(basis=Network.Basis.SCHOOL)
    other_network.refresh_from_db()
    make_scheme(other_network)
    seat(other_network)
    return other_network


def _act(client, model, action, pks):
    return client.post(
        reverse(f"admin:fees_{model}_changelist"),
        {"action": action, "_selected_action": [str(pk) for pk in pks]},
    )


def test_an_administrator_raises_the_years_invoices_from_the_admin(
    client, administrator, fee_network
):
    seat(fee_network)
    seat(fee_network)
    client.force_login(administrator)

    response = _act(client, "feescheme", "raise_invoices", [fee_network.fee_scheme.pk])
    _act(client, "feescheme", "raise_invoices", [fee_network.fee_scheme.pk])

    assert response.status_code == 302
    assert FeeInvoice.objects.filter(network=fee_network).count() == 2


def test_a_crafted_action_on_another_networks_scheme_or_invoice_does_nothing(
    client, administrator, fee_network, other_fee_network, staff
):
    services.raise_invoices(network=other_fee_network, by=staff)
    theirs = FeeInvoice.objects.get(network=other_fee_network)
    client.force_login(administrator)

    _act(client, "feescheme", "raise_invoices", [other_fee_network.fee_scheme.pk])
    _act(client, "feeinvoice", "mark_paid_today", [theirs.pk])
    change = client.post(
        reverse("admin:fees_feeinvoice_change", args=[theirs.pk]),
        {"state": "waived", "waived_reason": "Crafted", "amount_pence": "1"},
    )

    theirs.refresh_from_db()
    assert theirs.state == "due" and theirs.amount_pence == 45000
    assert change.status_code in (302, 403, 404)
    assert FeeInvoice.objects.filter(network=other_fee_network).count() == 1


def test_an_administrator_lists_and_opens_only_their_networks_invoices(
    client, administrator, fee_network, other_fee_network, staff
):
    seat(fee_network)
    services.raise_invoices(network=fee_network, by=staff)
    services.raise_invoices(network=other_fee_network, by=staff)
    theirs = FeeInvoice.objects.get(network=other_fee_network)
    client.force_login(administrator)

    listed = client.get(reverse("admin:fees_feeinvoice_changelist")).context["cl"].result_list
    opened = client.get(reverse("admin:fees_feeinvoice_change", args=[theirs.pk]))
    schemes = client.get(reverse("admin:fees_feescheme_changelist")).context["cl"].result_list

    assert {invoice.network_id for invoice in listed} == {fee_network.pk}
    assert opened.status_code != 200
    assert {scheme.network_id for scheme in schemes} == {fee_network.pk}


def test_site_staff_see_every_networks_invoices(client, staff, fee_network, other_fee_network):
    seat(fee_network)
    services.raise_invoices(network=fee_network, by=staff)
    services.raise_invoices(network=other_fee_network, by=staff)
    client.force_login(staff)

    listed = client.get(reverse("admin:fees_feeinvoice_changelist")).context["cl"].result_list

    assert {invoice.network_id for invoice in listed} == {fee_network.pk, other_fee_network.pk}


def test_an_administrator_marks_an_invoice_paid_in_the_admin(client, administrator, fee_network):
    seat(fee_network)
    (invoice,) = services.raise_invoices(network=fee_network, by=administrator).raised
    client.force_login(administrator)

    response = client.post(
        reverse("admin:fees_feeinvoice_changelist") + "?state__exact=due",
        {"action": "mark_paid_today", "_selected_action": [str(invoice.pk)]},
        follow=True,
    )

    assert "1 invoice(s) marked paid." in response.content.decode()
    assert "not due" not in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.state == "paid" and invoice.paid_on is not None
    page = client.get(reverse("admin:fees_feeinvoice_change", args=[invoice.pk]))
    assert "State: Due → Paid" in page.content.decode()


def test_the_fee_is_entered_in_pounds_and_kept_in_pence(client, administrator, fee_network):
    scheme = fee_network.fee_scheme
    client.force_login(administrator)
    data = {
        "network": fee_network.pk,
        "year_kind": "academic",
        "basis": "flat",
        "flat_amount_pence": "£475.50",
        "reference_prefix": scheme.reference_prefix,
        "how_to_pay": "Cheque",
        "days_to_pay": "30",
        "bands-TOTAL_FORMS": "0",
        "bands-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("admin:fees_feescheme_change", args=[scheme.pk]), data)

    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.flat_amount_pence == 47550
    page = client.get(reverse("admin:fees_feescheme_change", args=[scheme.pk])).content.decode()
    assert 'value="475.50"' in page
    assert FeeScheme.objects.count() == 1


def test_a_paid_invoice_cannot_be_taken_back_to_due_or_its_amount_changed_in_the_admin(
    client, administrator, fee_network
):
    seat(fee_network)
    (invoice,) = services.raise_invoices(network=fee_network, by=administrator).raised
    services.mark_paid(invoice=invoice, paid_on=invoice.created_at.date(), by=administrator)
    client.force_login(administrator)

    response = client.post(
        reverse("admin:fees_feeinvoice_change", args=[invoice.pk]),
        {"state": "due", "amount_pence": "1", "paid_on": "", "notes": "Checked",
         "due_on": "2000-01-01", "emailed_at": ""},
    )  # fmt: skip

    assert response.status_code == 302
    due_on = invoice.due_on
    invoice.refresh_from_db()
    assert (invoice.state, invoice.amount_pence, invoice.notes) == ("paid", 45000, "Checked")
    assert invoice.due_on == due_on and invoice.emailed_at is not None
    page = client.get(reverse("admin:fees_feeinvoice_change", args=[invoice.pk])).content.decode()
    for field in ["state", "amount_pence", "due_on", "emailed_at"]:
        assert f'name="{field}"' not in page


def test_an_administrator_waives_invoices_with_a_reason_through_the_action(
    client, administrator, fee_network
):
    seat(fee_network)
    seat(fee_network)
    first, second = services.raise_invoices(network=fee_network, by=administrator).raised
    services.mark_paid(invoice=second, paid_on=second.created_at.date(), by=administrator)
    client.force_login(administrator)
    selected = {"action": "waive_selected", "_selected_action": [str(first.pk), str(second.pk)]}

    asked = client.post(reverse("admin:fees_feeinvoice_changelist"), selected)
    blank = client.post(reverse("admin:fees_feeinvoice_changelist"), {**selected, "reason": " "})
    first.refresh_from_db()
    assert first.state == "due"
    assert "Why is the fee waived?" in asked.content.decode()
    assert first.reference in asked.content.decode()
    assert "1 selected invoice not due" in asked.content.decode()
    assert "This field is required." in blank.content.decode()

    done = client.post(
        reverse("admin:fees_feeinvoice_changelist"),
        {**selected, "reason": "School closed in March"},
        follow=True,
    )

    assert "1 invoice(s) waived." in done.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.waived_reason) == ("waived", "School closed in March")
    assert second.state == "paid"
    page = client.get(reverse("admin:fees_feeinvoice_change", args=[first.pk])).content.decode()
    assert "State: Due → Waived" in page


def test_a_crafted_waive_action_on_another_networks_invoice_does_nothing(
    client, administrator, fee_network, other_fee_network, staff
):
    services.raise_invoices(network=other_fee_network, by=staff)
    theirs = FeeInvoice.objects.get(network=other_fee_network)
    client.force_login(administrator)

    client.post(
        reverse("admin:fees_feeinvoice_changelist"),
        {"action": "waive_selected", "_selected_action": [str(theirs.pk)], "reason": "Crafted"},
    )

    theirs.refresh_from_db()
    assert theirs.state == "due"


def test_nobody_deletes_an_invoice_in_the_admin(client, administrator, staff, fee_network):
    seat(fee_network)
    (invoice,) = services.raise_invoices(network=fee_network, by=administrator).raised
    services.mark_paid(invoice=invoice, paid_on=invoice.created_at.date(), by=administrator)

    for person in (administrator, staff):
        client.force_login(person)
        listing = client.get(reverse("admin:fees_feeinvoice_changelist")).content.decode()
        deleted = client.post(
            reverse("admin:fees_feeinvoice_changelist"),
            {"action": "delete_selected", "_selected_action": [str(invoice.pk)], "post": "yes"},
        )
        page = client.post(reverse("admin:fees_feeinvoice_delete", args=[invoice.pk]), {})

        assert 'value="delete_selected"' not in listing
        assert deleted.status_code in (200, 302) and page.status_code == 403
        assert FeeInvoice.objects.filter(pk=invoice.pk, state="paid").exists()
