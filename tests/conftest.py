import pytest

from tests import made_once, personas


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


# Personas: the people every permission test asks about (made by tests/personas.py).
# `network` is the network in hand; `other_network` is somebody else's.


@pytest.fixture
def network(db):
    """An open network for heads of Oxfordshire primary schools."""
    return personas.make_network()


@pytest.fixture
def other_network(db):
    return personas.make_other_network()


@pytest.fixture
def head(db):
    """Signed in, eligible for `network`, not a member of anything."""
    return personas.make_head()


@pytest.fixture
def member(network):
    return personas.make_member(network)


@pytest.fixture
def coordinator(network):
    return personas.make_coordinator(network)


@pytest.fixture
def administrator(network):
    return personas.make_administrator(network)


@pytest.fixture
def outsider_member(other_network):
    """A member of another network."""
    return personas.make_member(other_network, "outsider.member@school.example")


@pytest.fixture
def outsider_coordinator(other_network):
    """A coordinator of another network."""
    return personas.make_coordinator(other_network, "outsider.coordinator@school.example")


@pytest.fixture
def outsider_administrator(other_network):
    return personas.make_administrator(other_network, "outsider.administrator@school.example")


@pytest.fixture
def staff(db):
    """Site staff: a superuser."""
    return personas.make_staff()
