import pytest

from fees.models import FeeScheme
from networks.models import Network
from tests import factories


def make_scheme(network, **fields) -> FeeScheme:
    fields.setdefault("flat_amount_pence", 45000)
    fields.setdefault("reference_prefix", network.slug.upper()[:20])
    fields.setdefault("how_to_pay", "Bank transfer to Headnet Ltd, sort code 00-00-00.")
    return FeeScheme.objects.create(network=network, **fields)


def seat(network, *, pupils=None, **head_fields):
    """A school with a verified head holding its seat in the network."""
    school = factories.make_school(sector="secondary")
    if pupils is not None:
        school.number_of_pupils = pupils
        school.save(update_fields=["number_of_pupils"])
    head = factories.make_head(school=school, **head_fields)
    factories.make_membership(person=head, network=network, school=school)
    return school, head


@pytest.fixture
def fee_network(network):
    """`network`, school-based, charging £450 a year to each member school."""
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    network.refresh_from_db()
    make_scheme(network)
    return network
