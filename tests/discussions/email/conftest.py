import pytest

from discussions import services
from networks.models import WorkhubMembership
from tests import factories

REPLY_DOMAIN = "reply.headnet.example"


@pytest.fixture(autouse=True)
def _replies_on(settings):
    settings.DISCUSSIONS_REPLY_DOMAIN = REPLY_DOMAIN
    settings.DISCUSSIONS_REPLY_MAX_AGE_DAYS = 90


@pytest.fixture
def author(network):
    person = factories.make_head(email="tom.brown@school.example", first_name="Tom",
                                 last_name="Brown")  # fmt: skip
    factories.make_membership(person=person, network=network)
    return person


@pytest.fixture
def jane(network):
    person = factories.make_head(email="jane@school.example", first_name="Jane",
                                 last_name="Smith")  # fmt: skip
    factories.make_membership(person=person, network=network)
    return person


@pytest.fixture
def thread(network, author, jane):
    return services.start_thread(
        network=network, author=author, title="SEND funding this term",
        body="Has anyone had their top-up funding confirmed yet?",
    )  # fmt: skip


@pytest.fixture
def workhub_thread(network, author, jane):
    workhub = factories.make_workhub(network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=author)
    return services.start_thread(
        network=network, workhub=workhub, author=author, title="Workhub plans", body="Ideas?"
    )
