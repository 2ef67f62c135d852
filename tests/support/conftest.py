import pytest

from networks.models import Network
from support.models import Coach
from tests import factories


@pytest.fixture
def heads_up(network):
    """A national support network with a coach pool of two (`network` is somebody else's)."""
    support = factories.make_network(
        name="Heads Up", slug="heads-up", kind=Network.Kind.SUPPORT_NETWORK, open_to_all=True,
        areas=[], sectors=[], roles=[],
    )  # fmt: skip
    return support


@pytest.fixture
def coach(heads_up):
    person = factories.make_head(email="coach@school.example", first_name="Cora", last_name="Coach")
    factories.make_membership(person=person, network=heads_up)
    Coach.objects.create(network=heads_up, person=person)
    return person


@pytest.fixture
def other_coach(heads_up):
    person = factories.make_head(email="coach2@school.example", first_name="Colm", last_name="Two")
    Coach.objects.create(network=heads_up, person=person)
    return person


@pytest.fixture
def requester(heads_up):
    person = factories.make_head(
        email="in.crisis@school.example", first_name="Rhian", last_name="Requester"
    )
    factories.make_membership(person=person, network=heads_up)
    return person


@pytest.fixture
def oassh(db):
    return factories.make_network(
        name="OASSH", slug="oassh", kind=Network.Kind.SPECIAL, sectors=["special"]
    )


@pytest.fixture
def scheme(oassh):
    from support.models import MentoringScheme

    return MentoringScheme.objects.create(name="OASSH mentoring", slug="oassh", network=oassh)


@pytest.fixture
def broker(scheme):
    from support.models import Broker

    person = factories.make_head(email="broker@school.example", first_name="Bo", last_name="Ker")
    Broker.objects.create(scheme=scheme, person=person)
    return person


def make_special_head(email, *, years_ago=6, **fields):
    """A verified head of an Oxfordshire special school since some years ago."""
    import datetime

    from django.utils import timezone

    person = factories.make_user(email=email, **fields)
    started = timezone.localdate() - datetime.timedelta(days=int(365 * years_ago) + 30)
    factories.make_post(
        person=person, school=factories.make_school(sector="special"), started_on=started
    )
    return person


@pytest.fixture
def new_head(db):
    return make_special_head(
        "new.head@school.example", years_ago=0.3, first_name="Nia", last_name="New"
    )


@pytest.fixture
def mentor(scheme):
    from support import mentoring

    person = make_special_head("mentor@school.example", first_name="Meg", last_name="Mentor")
    mentoring.offer_to_mentor(
        scheme=scheme, mentor=person, sectors=["special"], areas=[], capacity=1
    )
    return person
