import html
import re

import pytest

from networks.models import Network
from tests import factories


@pytest.fixture
def school_network(db):
    """A school-based network: each member school holds one seat, held by its head."""
    return factories.make_network(
        name="Oxfordshire Secondary Heads", slug="oxon-secondary", basis=Network.Basis.SCHOOL
    )


def seat_holder(network, *, school=None, **user_fields):
    """A head holding their school's seat in the network (an active membership with it)."""
    person = factories.make_head(school=school, **user_fields)
    school = person.posts.get().school
    factories.make_membership(person=person, network=network, school=school)
    return person


@pytest.fixture
def seated_head(school_network):
    return seat_holder(
        school_network, email="seated.head@school.example", first_name="Rosalind",
        last_name="Featherstonehaugh",
    )  # fmt: skip


def page_text(response) -> str:
    """The page as a person reads it: no tags, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))
