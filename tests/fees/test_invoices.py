import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEvent
from fees import services
from fees.models import FeeBand, FeeInvoice, FeeScheme
from networks import services as network_services
from networks.models import Membership
from tests import factories

from .conftest import seat

pytestmark = pytest.mark.django_db


def test_raising_invoices_twice_raises_each_school_once(fee_network, administrator):
    schools = [seat(fee_network)[0] for _ in range(3)]

    first = services.raise_invoices(network=fee_network, by=administrator)
    second = services.raise_invoices(network=fee_network, by=administrator)

    assert len(first.raised) == 3
    assert second.raised == [] and second.already == 3
    invoices = FeeInvoice.objects.filter(network=fee_network)
    assert sorted(invoice.school_id for invoice in invoices) == sorted(s.pk for s in schools)
    assert {invoice.amount_pence for invoice in invoices} == {45000}
    assert all(invoice.reference.endswith(str(invoice.school.urn)) for invoice in invoices)


def test_only_schools_with_an_active_seat_are_invoiced(fee_network, administrator):
    seat(fee_network)
    pending_school = factories.make_school(sector="secondary")
    factories.make_membership(
        person=factories.make_head(school=pending_school), network=fee_network,
        school=pending_school, status="pending",
    )  # fmt: skip

    report = services.raise_invoices(network=fee_network, by=administrator)

    assert [invoice.school for invoice in report.raised] != [pending_school]
    assert len(report.raised) == 1


def test_a_new_member_school_is_invoiced_the_second_time(fee_network, administrator):
    seat(fee_network)
    services.raise_invoices(network=fee_network, by=administrator)
    late, _ = seat(fee_network)

    report = services.raise_invoices(network=fee_network, by=administrator)

    assert [invoice.school for invoice in report.raised] == [late]


@pytest.mark.parametrize(
    ("pupils", "pence"), [(0, 30000), (600, 30000), (601, 45000), (1200, 45000), (1201, 60000)]
)
def test_banding_picks_the_band_for_the_schools_pupil_number(network, pupils, pence):
    scheme = FeeScheme.objects.create(
        network=network, basis=FeeScheme.Basis.BANDED, reference_prefix="X"
    )
    FeeBand.objects.create(scheme=scheme, up_to_pupils=None, amount_pence=60000)
    FeeBand.objects.create(scheme=scheme, up_to_pupils=1200, amount_pence=45000)
    FeeBand.objects.create(scheme=scheme, up_to_pupils=600, amount_pence=30000)
    school = factories.make_school()
    school.number_of_pupils = pupils

    assert scheme.amount_for(school) == pence


def test_a_banded_fee_skips_and_names_a_school_without_a_pupil_number(fee_network, administrator):
    FeeScheme.objects.filter(network=fee_network).update(basis=FeeScheme.Basis.BANDED)
    FeeBand.objects.create(scheme=fee_network.fee_scheme, up_to_pupils=None, amount_pence=100)
    seat(fee_network, pupils=500)
    unknown, _ = seat(fee_network)

    report = services.raise_invoices(network=fee_network, by=administrator)

    assert len(report.raised) == 1
    assert report.no_amount == [unknown]
    assert unknown.name in str(report)


def test_the_fee_year_is_the_financial_year_when_the_network_says_so(fee_network, administrator):
    FeeScheme.objects.filter(network=fee_network).update(year_kind="financial")
    seat(fee_network)

    (invoice,) = services.raise_invoices(network=fee_network, by=administrator).raised

    today = timezone.localdate()
    assert invoice.year == (today.year if today.month >= 4 else today.year - 1)
    assert invoice.year_label == f"April {invoice.year} to March {invoice.year + 1}"


def test_marking_paid_and_waiving_are_recorded_and_only_once(fee_network, administrator):
    seat(fee_network)
    seat(fee_network)
    paid, waived = services.raise_invoices(network=fee_network, by=administrator).raised

    services.mark_paid(invoice=paid, paid_on=datetime.date(2026, 10, 1), by=administrator,
                       reference="BACS 123")  # fmt: skip
    services.waive(invoice=waived, reason="Closing in December", by=administrator)

    with pytest.raises(ValidationError):
        services.mark_paid(invoice=paid, paid_on=datetime.date(2026, 10, 2), by=administrator)
    with pytest.raises(ValidationError):
        services.waive(invoice=paid, reason="x", by=administrator)
    paid.refresh_from_db()
    assert paid.state == "paid" and paid.paid_on == datetime.date(2026, 10, 1)
    lines = AuditEvent.objects.for_object(paid).first().change_lines
    assert {"State: Due → Paid", "Paid on: (empty) → 01 Oct 2026"} <= set(lines)
    assert set(AuditEvent.objects.for_object(waived).first().change_lines) == {
        "State: Due → Waived",
        "Reason: (empty) → Closing in December",
    }


def test_waiving_needs_a_reason(fee_network, administrator):
    seat(fee_network)
    (invoice,) = services.raise_invoices(network=fee_network, by=administrator).raised

    with pytest.raises(ValidationError):
        services.waive(invoice=invoice, reason="  ", by=administrator)


def test_a_network_without_a_fee_scheme_cannot_raise_invoices(network, administrator):
    with pytest.raises(ValidationError):
        services.raise_invoices(network=network, by=administrator)


def test_invoices_stay_with_the_school_when_its_headship_passes(fee_network, administrator):
    school, old_head = seat(fee_network)
    (invoice,) = services.raise_invoices(network=fee_network, by=administrator).raised
    new_head = factories.make_head(school=school)
    old_head.posts.update(ended_on=timezone.localdate() - datetime.timedelta(days=1))

    network_services.hand_over_school_seats(school=school)

    invoice.refresh_from_db()
    assert invoice.school == school
    seat_now = Membership.objects.live().get(network=fee_network, school=school)
    assert seat_now.person == new_head
    assert services.raise_invoices(network=fee_network, by=administrator).raised == []
