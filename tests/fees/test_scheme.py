"""The fee scheme: set through one service, read by every page that names the fee (the
network's page, leaving a seat, the welcome email, first steps), and the old
Network.annual_fee_pence moved into it by a migration."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import AuditEvent
from fees import services
from fees.models import FeeScheme
from networks.annual_fee import annual_fee
from tests import factories

from .conftest import make_scheme, seat

pytestmark = pytest.mark.django_db


def _terms(**changes) -> services.SchemeTerms:
    values = {"basis": "flat", "year_kind": "academic", "reference_prefix": "oph",
              "flat_amount_pence": 45000}  # fmt: skip
    return services.SchemeTerms(**(values | changes))


def test_a_scheme_is_set_and_changed_through_the_service_with_its_history(network, administrator):
    services.save_scheme(network=network, terms=_terms(), by=administrator)
    services.save_scheme(
        network=network, terms=_terms(flat_amount_pence=50000, days_to_pay=14), by=administrator
    )

    scheme = FeeScheme.objects.get(network=network)
    assert (scheme.flat_amount_pence, scheme.days_to_pay, scheme.reference_prefix) == (
        50000, 14, "OPH",
    )  # fmt: skip
    changed = AuditEvent.objects.get(action="fees.scheme_changed")
    assert changed.changes["Flat fee"] == ["£450.00", "£500.00"]
    assert changed.changes["Days to pay"] == ["30", "14"]


def test_saving_the_same_scheme_again_records_nothing(network, administrator):
    services.save_scheme(network=network, terms=_terms(), by=administrator)
    services.save_scheme(network=network, terms=_terms(), by=administrator)

    assert AuditEvent.objects.filter(action__startswith="fees.scheme").count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"flat_amount_pence": None}, "A flat fee needs an amount"),
        ({"flat_amount_pence": 0}, "A flat fee needs an amount"),
        ({"basis": "banded"}, "A banded fee needs at least one band"),
        ({"basis": "banded", "bands": ((100, 300), (200, 400))}, "exactly one band"),
        ({"basis": "banded", "bands": ((100, 300), (100, 400), (None, 500))}, "same pupil limit"),
        ({"basis": "banded", "bands": ((None, 0),)}, "more than £0.00"),
        ({"bank_sort_code": "200000"}, "Give both the sort code and the account number"),
        ({"bank_sort_code": "2000001", "bank_account_number": "12345678"}, "six digits"),
        ({"bank_sort_code": "200000", "bank_account_number": "1234"}, "eight digits"),
        ({"days_to_pay": 0}, "between 1 and 365"),
    ],
)  # fmt: skip
def test_a_scheme_that_does_not_add_up_is_refused(network, administrator, changes, message):
    with pytest.raises(ValidationError, match=message):
        services.save_scheme(network=network, terms=_terms(**changes), by=administrator)

    assert not FeeScheme.objects.filter(network=network).exists()


def test_the_fee_year_does_not_change_while_invoices_are_due(fee_network, administrator):
    seat(fee_network)
    services.raise_invoices(network=fee_network, by=administrator, email=False)
    terms = _terms(reference_prefix=fee_network.fee_scheme.reference_prefix, year_kind="financial")

    with pytest.raises(ValidationError, match="still due for the old fee year"):
        services.save_scheme(network=fee_network, terms=terms, by=administrator)


def test_the_fee_in_words_comes_from_the_scheme(network):
    assert annual_fee(network) == ""

    scheme = make_scheme(network, flat_amount_pence=125000)
    assert annual_fee(network) == "£1,250.00"

    scheme.basis = FeeScheme.Basis.BANDED
    scheme.save()
    scheme.bands.create(up_to_pupils=200, amount_pence=30000)
    scheme.bands.create(up_to_pupils=None, amount_pence=90000)
    network.refresh_from_db()
    small = factories.make_school()
    small.number_of_pupils = 150
    assert annual_fee(network) == "£300.00 to £900.00, by the school's number of pupils"
    assert annual_fee(network, small) == "£300.00"
    assert annual_fee(network, factories.make_school()) == (
        "£300.00 to £900.00, by the school's number of pupils"
    )  # a school whose pupil number is unknown


# The migration ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_networks_old_annual_fee_becomes_a_flat_scheme():
    executor = MigrationExecutor(connection)
    before = [("networks", "0005_emailpreference"),
              ("fees", "0002_scheme_bank_details_due_dates_finance_contacts")]  # fmt: skip
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Network = old.get_model("networks", "Network")
    OldScheme = old.get_model("fees", "FeeScheme")
    charging = Network.objects.create(name="Charging Heads", short_name="CH", slug="charging",
                                      annual_fee_pence=45000)  # fmt: skip
    clash = Network.objects.create(name="Charging Heads Too", short_name="CH", slug="ch-2",
                                   annual_fee_pence=30000)  # fmt: skip
    Network.objects.create(name="Free Heads", slug="free", annual_fee_pence=None)
    has_scheme = Network.objects.create(name="Banded Heads", slug="banded",
                                        annual_fee_pence=99999)  # fmt: skip
    OldScheme.objects.create(network=has_scheme, basis="banded", reference_prefix="BANDED")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    schemes = {s.network.slug: s for s in FeeScheme.objects.select_related("network")}
    assert set(schemes) == {"charging", "ch-2", "banded"}
    assert (schemes["charging"].basis, schemes["charging"].flat_amount_pence) == ("flat", 45000)
    assert schemes["charging"].reference_prefix == "CH"
    assert schemes["ch-2"].reference_prefix == "CH2"
    assert schemes["banded"].basis == "banded"  # kept as it was
    assert charging.pk and clash.pk
