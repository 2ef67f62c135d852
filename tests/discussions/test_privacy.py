"""A person's part in discussions: in their data download, and what closing their account
leaves (their posts, as by a former member) unless they remove them first."""

import json

import pytest
from django.urls import reverse

from discussions import privacy, services
from discussions.models import Post, PostReport, Thread
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_download_holds_their_posts_threads_and_reports(network, member, coordinator):
    thread = factories.make_thread(network=network, author=member, body="First words")
    services.add_post(thread=thread, author=coordinator, body="Not theirs")
    services.report_post(post=thread.posts.get(number=2), by=member, reason="Off topic")
    mine = services.add_post(thread=thread, author=member, body="Later words")
    services.delete_post(post=mine, by=member)

    data = privacy.personal_data(member)
    assert [post["text"] for post in data["discussion_posts"]] == ["First words", ""]
    assert data["discussion_posts"][1]["removed"] is not None
    assert data["discussion_threads_started"][0]["title"] == thread.title
    assert data["discussion_reports_made"][0]["reason"] == "Off topic"
    assert "Not theirs" not in json.dumps(data)


def test_the_data_download_includes_the_discussions(client, network, member):
    factories.make_thread(network=network, author=member, body="In my download")
    client.force_login(member)
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})
    response = client.get(reverse("portal:data_download"))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert "In my download" in json.dumps(data)


def test_closing_forgets_the_author_and_their_choices_but_keeps_posts(network, member, coordinator):
    thread = factories.make_thread(network=network, author=member, body="Useful advice")
    services.hide_post(post=thread.posts.get(), by=coordinator, reason="Check first")
    services.report_post(
        post=services.add_post(thread=thread, author=coordinator, body="Mine"),
        by=member, reason="x",
    )  # fmt: skip
    privacy.forget_person(member)
    privacy.forget_person(coordinator)
    post = Post.objects.get(number=1)
    assert post.author is None and post.hidden_by is None and post.body == "Useful advice"
    assert Thread.objects.get().started_by is None
    assert PostReport.objects.get().reported_by is None


def test_posts_removed_before_closing_stay_removed(network, member):
    thread = factories.make_thread(network=network, author=member, replies=1)
    services.remove_posts_of(person=member)
    privacy.forget_person(member)
    assert set(thread.posts.values_list("body", flat=True)) == {""}
    assert thread.posts.filter(deleted_at=None).count() == 0
