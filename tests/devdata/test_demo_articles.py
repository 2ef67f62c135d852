"""seed_demo's articles, stories and leaders: the done-when of issue 13 on the demo data."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Story
from leaders.models import Listing
from members.models import Designation, User
from tests.made_once import made_once

pytestmark = pytest.mark.django_db


def _seed_twice():
    call_command("seed_demo", password="headnet-demo", force=True, stdout=io.StringIO())
    # Idempotent: a second run adds nothing.
    call_command("seed_demo", password="headnet-demo", force=True, stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo_made_once(django_db_setup, django_db_blocker):
    """Seeded twice, once for the module (tests/made_once.py)."""
    with made_once(django_db_blocker, "demo_made_once", _seed_twice) as made:
        yield made


@pytest.fixture
def demo(demo_seeded):
    """The demo seeded twice (demo_made_once above), for this test."""


def test_the_roundtable_s_articles_read_like_its_own_site(client, demo):
    content = client.get(
        reverse("articles:list", args=["headteachers-roundtable"])
    ).content.decode()

    assert Article.objects.filter(network__slug="headteachers-roundtable").count() == 3
    for title in ("What I have learned about supporting headteachers", "Flexible Working"):
        assert title in content
    assert content.count("Continue reading") == 3


def test_heads_up_has_two_published_stories_one_anonymous_and_one_waiting(demo):
    stories = Story.objects.filter(network__slug="heads-up")

    assert stories.filter(state="published").count() == 2
    assert stories.filter(state="published", author=None).count() == 1
    assert stories.filter(state="submitted").count() == 1


def test_an_essex_head_finds_an_interim_head_available_in_their_area(client, demo):
    client.force_login(User.objects.get(email="essex.head2@example.org"))

    content = client.get(
        reverse("leaders:directory"),
        {"kind": "interim_head", "area": "881", "availability": "available"},
    ).content.decode()

    assert "1 leader" in content
    assert "Interim head available for deployment" in content
    assert Listing.objects.count() == 6
    kinds = Designation.objects.confirmed().filter(person__leader_listing__isnull=False)
    assert sorted(kinds.values_list("kind", flat=True)) == sorted(
        ["advisory_head", "executive_head", "interim_head", "lle", "lle", "nle"]
    )
