import html
import re

import pytest

from networks.models import WorkhubMembership
from tests import factories


@pytest.fixture
def thread(network, member):
    """A thread in `network` started by the member, with two replies by them."""
    return factories.make_thread(network=network, author=member, replies=2)


@pytest.fixture
def workhub(network):
    return factories.make_workhub(network=network)


@pytest.fixture
def workhub_person(network, workhub):
    """An active member of the network who is one of the workhub's people."""
    person = factories.make_head(email="workhub.person@school.example")
    factories.make_membership(person=person, network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=person)
    return person


@pytest.fixture
def lapsed(network):
    person = factories.make_head(email="lapsed@school.example")
    factories.make_membership(person=person, network=network, status="lapsed")
    return person


def page_text(response) -> str:
    """The page as a person reads it: no tags, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))
