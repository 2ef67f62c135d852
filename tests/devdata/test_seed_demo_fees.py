"""seed_demo's fees and waiting work: OSSHTA's invoices this year, some paid and some due;
requests and a claim waiting for the demo administrator."""

import pytest
from django.urls import reverse

from fees.models import FeeInvoice, FeeScheme
from members.models import User
from networks.models import Membership

from .test_seed_demo import _seed, debug, seeded  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_osshta_has_this_years_invoices_some_paid_some_due(seeded):  # noqa: F811
    scheme = FeeScheme.objects.get(network__slug="osshta")
    invoices = FeeInvoice.objects.filter(network__slug="osshta", year=scheme.current_year())
    seats = Membership.objects.active().filter(network__slug="osshta", school__isnull=False)

    assert invoices.count() == seats.count() > 2
    assert invoices.paid().exists() and invoices.due().exists()
    assert {invoice.amount_pence for invoice in invoices} == {45000}


def test_the_demo_administrator_has_requests_and_a_claim_waiting(seeded, client):  # noqa: F811
    client.force_login(User.objects.get(email="administrator@example.org"))

    page = client.get(reverse("me")).content.decode()

    assert "2 requests to decide" in page
    assert "1 claim at member schools to confirm" in page


def test_seeding_again_adds_no_invoices_and_pays_no_more(seeded):  # noqa: F811
    before = list(FeeInvoice.objects.order_by("pk").values("pk", "state"))

    _seed()

    assert list(FeeInvoice.objects.order_by("pk").values("pk", "state")) == before
