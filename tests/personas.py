"""The personas every permission test asks about, made by tests/conftest.py's fixtures
(one test, one persona at a time) or all at once for a scene made once per module
(tests/test_url_matrix.py). `network` is the network in hand; `other_network` is
somebody else's."""

from members.models import User
from networks import services
from networks.models import Membership, Network
from tests import factories

ROLE = Membership.Role


def make_network() -> Network:
    """An open network for heads of Oxfordshire primary schools."""
    return factories.make_network(name="Oxfordshire Primary Heads", slug="oxon-primary")


def make_other_network() -> Network:
    return factories.make_network(name="Somewhere Else Heads", slug="somewhere-else")


def make_head() -> User:
    """Signed in, eligible for `network`, not a member of anything."""
    return factories.make_head(email="head@school.example")


def make_member(network: Network, email: str = "member@school.example") -> User:
    person = factories.make_head(email=email)
    factories.make_membership(person=person, network=network)
    return person


def make_coordinator(network: Network, email: str = "coordinator@school.example") -> User:
    person = factories.make_head(email=email)
    factories.make_membership(person=person, network=network, role=ROLE.COORDINATOR)
    return person


def make_administrator(network: Network, email: str = "administrator@school.example") -> User:
    person = factories.make_user(email=email)
    factories.make_membership(person=person, network=network, role=ROLE.ADMINISTRATOR)
    services.sync_admin_site_access(person)  # as set_role does: administrators use the admin
    return person


def make_staff() -> User:
    """Site staff: a superuser."""
    return factories.make_user(email="staff@headnet.example", is_staff=True, is_superuser=True)


def make_everyone() -> dict:
    """Both networks and every persona, made in the order the fixtures of the same names
    make them for tests/test_url_matrix.py's `personas`."""
    made: dict = {"head": make_head()}
    made["network"] = network = make_network()
    made["member"] = make_member(network)
    made["coordinator"] = make_coordinator(network)
    made["administrator"] = make_administrator(network)
    made["other_network"] = other_network = make_other_network()
    # A member, a coordinator and an administrator of another network.
    made["outsider_member"] = make_member(other_network, "outsider.member@school.example")
    made["outsider_coordinator"] = make_coordinator(
        other_network, "outsider.coordinator@school.example"
    )
    made["outsider_administrator"] = make_administrator(
        other_network, "outsider.administrator@school.example"
    )
    made["staff"] = make_staff()
    return made
