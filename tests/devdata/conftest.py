import io

import pytest
from django.core.management import call_command

from tests.made_once import as_made, made_once


def seed_demo() -> None:
    """`manage.py seed_demo` with the demo password (DEBUG only decides whether it may run)."""
    call_command("seed_demo", password="headnet-demo", force=True, stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo_made_once(django_db_setup, django_db_blocker):
    """seed_demo, run once for the module's tests that read the demo: a run takes seconds,
    too long to repeat for each test (tests/made_once.py)."""
    with made_once(django_db_blocker, "demo_made_once", seed_demo) as made:
        yield made


@pytest.fixture
def demo_seeded(db, demo_made_once):
    """The database as seed_demo leaves an empty one, for this test to read and change."""
    with as_made(demo_made_once):
        yield
