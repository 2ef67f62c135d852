"""The discussions' pages: what members, authors and coordinators see and do, and what a
lapsed member no longer can."""

import pytest
from django.urls import reverse

from discussions import privacy, services, threads
from discussions.models import Post, PostReport, Thread
from discussions.views import post_url
from networks.models import Membership
from tests import factories
from tests.discussions.conftest import page_text

pytestmark = pytest.mark.django_db


def _url(name, thread, *extra):
    return reverse(f"discussions:{name}", args=[thread.network.slug, thread.pk, *extra])


def test_a_member_starts_a_thread_and_reads_it(client, network, member):
    client.force_login(member)
    response = client.post(
        reverse("discussions:thread_new", args=[network.slug]),
        {"title": "Cover for training days", "body": "How do *you* manage?"},
    )
    thread = Thread.objects.get()
    assert response.url == _url("thread", thread)
    text = page_text(client.get(response.url))
    assert "Cover for training days" in text and "How do you manage?" in text
    listed = page_text(client.get(reverse("discussions:thread_list", args=[network.slug])))
    assert "Cover for training days" in listed


def test_a_member_replies_quoting_a_post(client, thread, coordinator):
    client.force_login(coordinator)
    form = client.get(_url("thread", thread), {"quote": 1}).content.decode()
    assert "&gt; How are you all covering *supply* this term?" in form
    assert 'name="quotes" value="1"' in form
    response = client.post(_url("reply", thread), {"body": "We share a pool.", "quotes": "1"})
    post = Post.objects.get(number=4)
    assert post.author == coordinator and post.quotes.number == 1
    assert response.url.endswith("#post-4")
    text = page_text(client.get(_url("thread", thread)))
    assert "We share a pool." in text and "In reply to #1" in text


def test_an_empty_reply_is_refused_at_its_field(client, thread, member):
    client.force_login(member)
    response = client.post(_url("reply", thread), {"body": ""})
    assert response.status_code == 200
    assert "Please correct the errors" in page_text(response)
    assert thread.posts.count() == 3


def test_an_author_edits_their_post_and_it_shows_edited(client, thread, member):
    client.force_login(member)
    response = client.post(_url("post_edit", thread, 2), {"body": "Changed my mind"})
    assert response.status_code == 302
    text = page_text(client.get(_url("thread", thread)))
    assert "Changed my mind" in text and "edited" in text


def test_an_author_removes_their_post_and_it_shows_removed(client, thread, member, coordinator):
    client.force_login(member)
    assert client.get(_url("post_delete", thread, 2)).status_code == 200
    client.post(_url("post_delete", thread, 2))
    client.force_login(coordinator)
    text = page_text(client.get(_url("thread", thread)))
    assert "This post was removed." in text
    assert "Reply 1" not in text


def test_someone_else_cannot_edit_or_remove_a_post(client, thread, coordinator):
    client.force_login(coordinator)
    assert client.get(_url("post_edit", thread, 2)).status_code == 403
    assert client.post(_url("post_delete", thread, 2)).status_code == 403
    assert Post.objects.get(number=2).deleted_at is None


def test_a_hidden_post_shows_members_its_reason_not_its_text(
    client, network, thread, member, coordinator
):
    other = factories.make_head()
    factories.make_membership(person=other, network=network)
    client.force_login(coordinator)
    client.post(_url("post_hide", thread, 2), {"reason": "Names a pupil"})
    assert Post.objects.get(number=2).hidden_at is not None
    coordinator_text = page_text(client.get(_url("thread", thread)))
    assert "Names a pupil" in coordinator_text and "Reply 1" in coordinator_text
    for person in [other, member]:  # the author too
        client.force_login(person)
        text = page_text(client.get(_url("thread", thread)))
        assert "hidden by the coordinators: Names a pupil" in text
        assert "Reply 1" not in text
        # Nor can it be quoted into a reply.
        assert "Reply 1" not in client.get(_url("thread", thread), {"quote": 2}).content.decode()


def test_members_cannot_hide_or_lock(client, thread, member):
    client.force_login(member)
    assert client.post(_url("post_hide", thread, 2), {"reason": "x"}).status_code == 403
    assert client.post(_url("lock", thread)).status_code == 403
    assert "Lock the thread" not in page_text(client.get(_url("thread", thread)))


def test_a_locked_thread_shows_no_reply_form_to_members(client, thread, member, coordinator):
    client.force_login(coordinator)
    client.post(_url("lock", thread))
    client.force_login(member)
    response = client.get(_url("thread", thread))
    assert "it takes no new posts" in page_text(response)
    assert "Post reply" not in page_text(response)
    assert client.post(_url("reply", thread), {"body": "Hello"}).status_code == 403
    client.force_login(coordinator)
    client.post(_url("unlock", thread))
    client.force_login(member)
    assert "Post reply" in page_text(client.get(_url("thread", thread)))


def test_a_reported_post_reaches_the_coordinators_page(client, network, thread, coordinator):
    reporter = factories.make_head()
    factories.make_membership(person=reporter, network=network)
    client.force_login(reporter)
    client.post(_url("post_report", thread, 2), {"reason": "Off topic"})
    assert PostReport.objects.get().reason == "Off topic"
    client.force_login(coordinator)
    reports = reverse("discussions:reports", args=[network.slug])
    assert "Off topic" in page_text(client.get(reports))
    report = PostReport.objects.get()
    client.post(reverse("discussions:report_resolve", args=[network.slug, report.pk]))
    assert "No report is waiting." in page_text(client.get(reports))


def test_a_lapsed_member_is_refused_on_every_page(client, network, thread, member):
    report = services.report_post(post=thread.posts.get(number=1), by=factories.make_head(),
                                  reason="x")  # fmt: skip
    Membership.objects.filter(person=member).update(status=Membership.Status.LAPSED)
    client.force_login(member)
    slug = network.slug
    pages = [
        ("get", reverse("discussions:thread_list", args=[slug])),
        ("get", reverse("discussions:thread_new", args=[slug])),
        ("get", _url("thread", thread)),
        ("post", _url("reply", thread)),
        ("get", _url("post_edit", thread, 2)),
        ("post", _url("post_delete", thread, 2)),
        ("get", _url("post_report", thread, 1)),
        ("get", _url("post_hide", thread, 1)),
        ("post", _url("post_unhide", thread, 1)),
        ("post", _url("lock", thread)),
        ("post", _url("unlock", thread)),
        ("get", reverse("discussions:reports", args=[slug])),
        ("post", reverse("discussions:report_resolve", args=[slug, report.pk])),
    ]
    for method, url in pages:
        response = getattr(client, method)(url, {"body": "Still here"})
        assert response.status_code == 403, url
    assert thread.posts.count() == 3
    # Nor does the network page lead them there.
    network_page = page_text(client.get(network.get_absolute_url()))
    assert "The discussions of" not in network_page


def test_the_network_page_leads_members_to_its_discussions(client, network, member, head):
    client.force_login(member)
    assert "The discussions of" in page_text(client.get(network.get_absolute_url()))
    client.force_login(head)
    assert "The discussions of" not in page_text(client.get(network.get_absolute_url()))


def test_the_workhub_page_leads_its_people_to_its_discussions(
    client, network, workhub, workhub_person, member
):
    client.force_login(workhub_person)
    text = page_text(client.get(workhub.get_absolute_url()))
    assert f"The discussions of {workhub.name}" in text
    client.force_login(member)
    assert "The discussions of" not in page_text(client.get(workhub.get_absolute_url()))


def test_a_workhub_thread_starts_on_the_workhub_and_is_not_on_the_network_list(
    client, network, workhub, workhub_person
):
    client.force_login(workhub_person)
    client.post(
        reverse("discussions:workhub_thread_new", args=[network.slug, workhub.slug]),
        {"title": "SEND audit", "body": "Shall we share ours?"},
    )
    assert Thread.objects.get().workhub == workhub
    hub_list = reverse("discussions:workhub_threads", args=[network.slug, workhub.slug])
    assert "SEND audit" in page_text(client.get(hub_list))
    coordinator = factories.make_head()
    factories.make_membership(person=coordinator, network=network, role="coordinator")
    client.force_login(coordinator)
    network_list = reverse("discussions:thread_list", args=[network.slug])
    assert "SEND audit" not in page_text(client.get(network_list))


def test_a_long_thread_is_read_a_page_of_numbers_at_a_time(client, network, member):
    thread = factories.make_thread(network=network, author=member, replies=60)
    client.force_login(member)
    first = page_text(client.get(_url("thread", thread)))
    assert "Reply 24 " in first and "Reply 25 " not in first
    last = page_text(client.get(_url("thread", thread), {"page": "last"}))
    assert "Reply 60" in last and "Reply 49 " not in last
    # A page past the end is the last one, not an error.
    assert client.get(_url("thread", thread), {"page": 99}).status_code == 200
    post = services.add_post(thread=thread, author=member, body="The newest")
    assert f"?page={threads.page_of(post.number)}#post-62" in post_url(thread, post.number)


def test_a_former_member_s_posts_stay_under_that_name(client, network, thread, member):
    privacy.forget_person(member)
    reader = factories.make_head()
    factories.make_membership(person=reader, network=network)
    client.force_login(reader)
    text = page_text(client.get(_url("thread", thread)))
    assert "Former member" in text and "Reply 1" in text


def test_a_person_removes_their_posts_from_their_data_page(client, thread, member):
    client.force_login(member)
    assert "Remove my posts" in page_text(client.get(reverse("portal:my_data")))
    page = page_text(client.get(reverse("my_discussions:remove_posts")))
    assert "You have written 3 posts" in page
    response = client.post(reverse("my_discussions:remove_posts"))
    assert response.url == reverse("portal:my_data")
    assert not Post.objects.filter(author=member, deleted_at=None).exists()
