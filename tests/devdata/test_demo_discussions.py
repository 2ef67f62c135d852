"""seed_demo's discussions: OPHN's threads, through the services; seeding again adds
nothing."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from discussions.models import Post, Thread
from members.models import User

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", password="headnet-demo", force=True, stdout=io.StringIO())


def test_ophn_has_threads_its_members_read_and_seeding_again_adds_none(client):
    _seed()
    threads = Thread.objects.filter(network__slug="oxfordshire-primary-heads")
    assert threads.count() == 3
    assert threads.filter(locked_at__isnull=False).count() == 1
    assert Post.objects.filter(edited_at__isnull=False).exists()
    assert Post.objects.filter(quotes__isnull=False).exists()
    for thread in threads:
        assert list(thread.posts.values_list("number", flat=True)) == list(
            range(1, thread.post_count + 1)
        )
    client.force_login(User.objects.get(email="primary.head@example.org"))
    response = client.get(reverse("discussions:thread_list", args=["oxfordshire-primary-heads"]))
    assert "Supply cover" in response.content.decode()
    counts = (Thread.objects.count(), Post.objects.count())
    _seed()
    assert (Thread.objects.count(), Post.objects.count()) == counts
