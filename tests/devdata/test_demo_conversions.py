"""seed_demo's academy conversion: the register's links are applied, and Plovercombe High
School's fee history shows under Teaselstead Catholic Academy, an OSSHTA member school."""

import pytest
from django.urls import reverse

from fees.models import FeeInvoice
from members.models import School, User
from networks.models import Membership

from .test_seed_demo import _seed, debug, seeded  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_the_registers_conversions_are_recorded(seeded):  # noqa: F811
    plovercombe = School.objects.get(urn=127413)

    assert plovercombe.successor.name == "Teaselstead Catholic Academy"
    assert School.objects.filter(successor__isnull=False).count() == 14
    assert Membership.objects.active().filter(network__slug="osshta", school__urn=137234).exists()


def test_teaselsteads_head_sees_plovercombes_invoices_on_osshtas_page(seeded, client):  # noqa: F811
    seat = Membership.objects.active().get(network__slug="osshta", school__urn=137234)
    client.force_login(User.objects.get(pk=seat.person_id))

    page = client.get(reverse("networks:detail", args=["osshta"])).content.decode()
    text = " ".join(page.split())

    assert "Before Teaselstead Catholic Academy" in text
    assert "Plovercombe High School, 2023/24</a>: £420.00, paid" in text
    assert "Plovercombe High School, 2022/23</a>: £420.00, paid" in text
    receipt = FeeInvoice.objects.get(reference="OSSHTA-2023-127413")
    shown = " ".join(client.get(receipt.get_absolute_url()).content.decode().split())
    assert "Teaselstead Catholic Academy (URN 137234), from 1 January 2025" in shown


def test_seeding_again_converts_nothing_more(seeded):  # noqa: F811
    out = _seed()

    assert "Academy conversions: 0 new" in out
    assert FeeInvoice.objects.filter(school__urn=127413).count() == 2
