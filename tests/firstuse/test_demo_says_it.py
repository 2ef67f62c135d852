"""Issue 14: the seed networks say in public what they say; seed_demo prints its password."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from networks.models import Network, Workhub
from tests import factories
from tests.made_once import as_made, made_once

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", password="a-chosen-password", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """seed_demo, run once for the module's tests that read it (tests/made_once.py)."""
    with made_once(django_db_blocker, "seeded_once", _seed) as made:
        yield made


@pytest.fixture
def output(settings, db, seeded_once):
    """What seed_demo printed; the database and the outbox as it left them."""
    settings.DEBUG = True
    with as_made(seeded_once) as printed:
        yield printed


def test_seed_demo_prints_the_password_it_set_and_sends_no_email(output):
    assert "password: a-chosen-password" in output
    assert not mail.outbox


def test_osshta_names_its_wayday_meetings_and_the_roundtable_says_how_to_be_invited(output):
    osshta = Network.objects.get(slug="osshta")
    assert "WAYDAY" in osshta.about_html and "short" in osshta.meeting_rhythm
    roundtable = Network.objects.get(slug="headteachers-roundtable")
    assert "How to be invited" in roundtable.about_html
    assert not roundtable.eligibility_text.startswith("Open to")


def test_every_demo_workhub_says_what_it_does_not_its_name_again(output):
    workhubs = Workhub.objects.filter(network__slug="oldham-schools-alliance")
    assert workhubs.filter(academic_year=2016).count() == 12
    for workhub in workhubs:
        assert workhub.description and workhub.name not in workhub.description


def test_an_invitation_only_network_is_never_described_as_open(db):
    network = factories.make_network(
        name="Roundtable", sectors=[], areas=[], join_policy=Network.JoinPolicy.INVITATION
    )

    assert network.eligibility_text == (
        "By invitation only, for headteachers of any school anywhere in England"
    )
