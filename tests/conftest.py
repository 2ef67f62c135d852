import pytest

from networks import services
from networks.models import Membership
from tests import factories, made_once


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Everything under tests/e2e/ is a browser test, run by `make test-browser`."""
    for item in items:
        if "/tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)
    made_once.order_by_made_once(items)


@pytest.fixture(autouse=True)
def _isolated(request):
    """No test sees data made once for other tests (tests/made_once.py)."""
    made_once.check_isolated(request.node)


# Personas: the people every permission test asks about. `network` is the
# network in hand; `other_network` is somebody else's.


@pytest.fixture
def network(db):
    """An open network for heads of Oxfordshire primary schools."""
    return factories.make_network(name="Oxfordshire Primary Heads", slug="oxon-primary")


@pytest.fixture
def other_network(db):
    return factories.make_network(name="Somewhere Else Heads", slug="somewhere-else")


@pytest.fixture
def head(db):
    """Signed in, eligible for `network`, not a member of anything."""
    return factories.make_head(email="head@school.example")


@pytest.fixture
def member(network):
    person = factories.make_head(email="member@school.example")
    factories.make_membership(person=person, network=network)
    return person


@pytest.fixture
def coordinator(network):
    person = factories.make_head(email="coordinator@school.example")
    factories.make_membership(person=person, network=network, role=Membership.Role.COORDINATOR)
    return person


@pytest.fixture
def administrator(network):
    person = factories.make_user(email="administrator@school.example")
    factories.make_membership(person=person, network=network, role=Membership.Role.ADMINISTRATOR)
    services.sync_admin_site_access(person)  # as set_role does: administrators use the admin
    return person


@pytest.fixture
def outsider_member(other_network):
    """A member of another network."""
    person = factories.make_head(email="outsider.member@school.example")
    factories.make_membership(person=person, network=other_network)
    return person


@pytest.fixture
def outsider_coordinator(other_network):
    """A coordinator of another network."""
    person = factories.make_head(email="outsider.coordinator@school.example")
    factories.make_membership(
        person=person, network=other_network, role=Membership.Role.COORDINATOR
    )
    return person


@pytest.fixture
def outsider_administrator(other_network):
    person = factories.make_user(email="outsider.administrator@school.example")
    factories.make_membership(
        person=person, network=other_network, role=Membership.Role.ADMINISTRATOR
    )
    services.sync_admin_site_access(person)
    return person


@pytest.fixture
def staff(db):
    """Site staff: a superuser."""
    return factories.make_user(email="staff@headnet.example", is_staff=True, is_superuser=True)
