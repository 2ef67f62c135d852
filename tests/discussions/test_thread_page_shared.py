"""A thread's page of posts is kept for everyone who sees it the same (core.pagecache,
under the thread's scope): each write that changes what it shows is on the page at once,
and nobody sees what was rendered for someone else."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import pagecache
from discussions import privacy, services
from tests import factories, personas
from tests.discussions.conftest import page_text

pytestmark = pytest.mark.django_db


def _url(name, thread, *args):
    return reverse(f"discussions:{name}", args=[thread.network.slug, thread.pk, *args])


@pytest.fixture
def other(network):
    person = factories.make_head(email="other@school.example", first_name="Olive")
    factories.make_membership(person=person, network=network)
    return person


def test_an_author_s_new_name_shows_on_their_posts(client, thread, member, other):
    client.force_login(other)
    assert member.get_full_name() in page_text(client.get(_url("thread", thread)))
    client.force_login(member)
    client.post(
        reverse("portal:profile"),
        {"title": "", "first_name": "Renamed", "last_name": "Person"},
    )
    client.force_login(other)
    assert "Renamed Person" in page_text(client.get(_url("thread", thread)))


def test_only_the_author_is_offered_edit_and_remove_whoever_saw_the_page_first(
    client, thread, member, other
):
    edit = _url("post_edit", thread, 2)
    client.force_login(member)
    assert edit in client.get(_url("thread", thread)).content.decode()
    client.force_login(other)
    page = client.get(_url("thread", thread)).content.decode()
    assert edit not in page and _url("post_report", thread, 2) in page
    client.force_login(member)
    page = client.get(_url("thread", thread)).content.decode()
    assert edit in page and _url("post_report", thread, 2) not in page


def test_a_hidden_post_s_text_stays_with_the_coordinators_and_comes_back_when_shown(
    client, thread, coordinator, other
):
    client.force_login(coordinator)
    client.post(_url("post_hide", thread, 2), {"reason": "Names a pupil"})
    assert "Reply 1" in page_text(client.get(_url("thread", thread)))
    client.force_login(other)
    assert "Reply 1" not in page_text(client.get(_url("thread", thread)))
    client.force_login(coordinator)
    client.post(_url("post_unhide", thread, 2))
    client.force_login(other)
    text = page_text(client.get(_url("thread", thread)))
    assert "Reply 1" in text and "Names a pupil" not in text


def test_locking_takes_the_quote_links_away_from_members(client, thread, coordinator, other):
    quote = "quote=2"
    client.force_login(other)
    assert quote in client.get(_url("thread", thread)).content.decode()
    client.force_login(coordinator)
    client.post(_url("lock", thread))
    assert quote in client.get(_url("thread", thread)).content.decode()  # they still post
    client.force_login(other)
    assert quote not in client.get(_url("thread", thread)).content.decode()
    client.force_login(coordinator)
    client.post(_url("unlock", thread))
    client.force_login(other)
    assert quote in client.get(_url("thread", thread)).content.decode()


def test_a_reply_shows_on_the_page_others_have_seen(client, thread, member, other):
    client.force_login(other)
    client.get(_url("thread", thread))
    client.force_login(member)
    client.post(_url("reply", thread), {"body": "A new thought.", "quotes": "1"})
    client.force_login(other)
    text = page_text(client.get(_url("thread", thread)))
    assert "A new thought." in text and "In reply to #1" in text


def test_someone_no_longer_a_member_does_not_get_the_page(client, network, thread, other):
    client.force_login(other)
    assert client.get(_url("thread", thread)).status_code == 200
    other.memberships.filter(network=network).update(status="lapsed")
    assert client.get(_url("thread", thread)).status_code == 403


def _posts_read(client, url) -> int:
    """How many times the page read the thread's posts."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum('FROM "discussions_post"' in query["sql"] for query in captured.captured_queries)


def test_a_second_reader_gets_the_kept_page_without_reading_the_posts(
    client, network, thread, other
):
    third = factories.make_head()
    factories.make_membership(person=third, network=network)
    client.force_login(other)
    assert _posts_read(client, _url("thread", thread)) == 1
    client.force_login(third)
    assert _posts_read(client, _url("thread", thread)) == 0
    # The author's own page is theirs: built once for them, then kept for them.
    client.force_login(thread.started_by)
    assert _posts_read(client, _url("thread", thread)) == 1
    assert _posts_read(client, _url("thread", thread)) == 0


def test_a_write_to_another_thread_leaves_this_one_kept(client, network, thread, member, other):
    client.force_login(other)
    client.get(_url("thread", thread))
    elsewhere = factories.make_thread(network=network, author=member)
    services.add_post(thread=elsewhere, author=member, body="Somewhere else")
    assert _posts_read(client, _url("thread", thread)) == 0


def test_an_edited_post_shows_its_new_text_and_edited(client, thread, member, other):
    client.force_login(other)
    assert "Reply 1" in page_text(client.get(_url("thread", thread)))
    services.edit_post(post=thread.posts.get(number=2), by=member, body="Thought better of it")
    text = page_text(client.get(_url("thread", thread)))
    assert "Thought better of it" in text and "Reply 1" not in text and "edited" in text


def test_a_removed_post_shows_as_removed(client, thread, member, other):
    client.force_login(other)
    client.get(_url("thread", thread))
    services.delete_post(post=thread.posts.get(number=2), by=member)
    text = page_text(client.get(_url("thread", thread)))
    assert "This post was removed." in text and "Reply 1" not in text


def test_an_author_removing_all_their_posts_shows_on_the_kept_page(client, thread, member, other):
    client.force_login(other)
    client.get(_url("thread", thread))
    client.force_login(member)
    client.post(reverse("my_discussions:remove_posts"))
    client.force_login(other)
    text = page_text(client.get(_url("thread", thread)))
    assert text.count("This post was removed.") == 3 and "Reply 1" not in text


def test_a_closed_accounts_posts_show_as_a_former_members(client, thread, member, other):
    client.force_login(other)
    assert "Former member" not in page_text(client.get(_url("thread", thread)))
    privacy.forget_person(member)
    assert "Former member" in page_text(client.get(_url("thread", thread)))


def test_a_members_page_offers_no_coordinators_links_after_a_coordinator_filled_it(
    client, thread, coordinator, other
):
    hide = _url("post_hide", thread, 2)
    client.force_login(coordinator)
    assert hide in client.get(_url("thread", thread)).content.decode()
    client.force_login(other)
    assert hide not in client.get(_url("thread", thread)).content.decode()
    client.force_login(coordinator)
    assert hide in client.get(_url("thread", thread)).content.decode()


def test_a_coordinators_page_with_a_hidden_post_is_not_kept_with_their_token(
    client, thread, coordinator
):
    client.force_login(coordinator)
    services.hide_post(post=thread.posts.get(number=2), by=coordinator, reason="Check")
    first = client.get(_url("thread", thread)).content.decode()
    second_coordinator = personas.make_coordinator(thread.network, email="second@school.example")
    client.force_login(second_coordinator)
    second = client.get(_url("thread", thread)).content.decode()
    # Each gets their own "Show again" form, with their own token (a kept page would
    # give the second the first one's bytes, token and all).
    show_again = re.compile(
        r'name="csrfmiddlewaretoken" value="([^"]+)">\s*<button[^>]*>Show again'
    )
    assert show_again.findall(first) and show_again.findall(second)
    assert set(show_again.findall(first)).isdisjoint(show_again.findall(second))


# The thread itself (with its network, parent and workhub) is kept for everyone too.


def test_a_network_given_a_new_address_serves_its_threads_there_only(client, thread, other):
    client.force_login(other)
    old = _url("thread", thread)
    assert client.get(old).status_code == 200
    network = thread.network
    network.slug = "oxon-heads"
    network.save()
    assert client.get(old).status_code == 404
    new = reverse("discussions:thread", args=["oxon-heads", thread.pk])
    assert client.get(new).status_code == 200


def test_a_thread_given_a_new_title_shows_it(client, thread, other):
    client.force_login(other)
    client.get(_url("thread", thread))
    thread.title = "Cover for supply, spring term"
    thread.save()
    assert "Cover for supply, spring term" in page_text(client.get(_url("thread", thread)))


def test_a_parent_network_renamed_shows_in_a_sub_groups_thread(client, network):
    sub_group = factories.make_network(name="Oxfordshire SEND heads", parent=network)
    reader = factories.make_head()
    factories.make_membership(person=reader, network=sub_group)
    thread = factories.make_thread(network=sub_group, author=reader)
    client.force_login(reader)
    client.get(_url("thread", thread))
    network.name = "Oxfordshire Primary Heads' Association"
    network.save()
    assert "Oxfordshire Primary Heads' Association" in page_text(client.get(_url("thread", thread)))


def test_a_workhub_renamed_shows_in_its_threads(client, network, workhub, workhub_person):
    thread = factories.make_thread(network=network, author=workhub_person, workhub=workhub)
    client.force_login(workhub_person)
    client.get(_url("thread", thread))
    workhub.name = "Inclusion"
    workhub.save()
    assert "Inclusion discussions" in page_text(client.get(_url("thread", thread)))


def test_an_outsider_is_refused_the_thread_a_member_has_had_kept(client, thread, other, head):
    client.force_login(other)
    assert client.get(_url("thread", thread)).status_code == 200
    client.force_login(head)
    response = client.get(_url("thread", thread))
    assert response.status_code == 403 and "Reply 1" not in response.content.decode()


def test_another_networks_address_for_a_kept_thread_is_a_404(client, thread, other, other_network):
    client.force_login(other)
    assert client.get(_url("thread", thread)).status_code == 200
    elsewhere = reverse("discussions:thread", args=[other_network.slug, thread.pk])
    assert client.get(elsewhere).status_code == 404


def test_the_links_to_other_pages_are_those_of_the_address_asked_for(
    client, network, member, other
):
    thread = factories.make_thread(network=network, author=member, replies=60)
    client.force_login(other)
    quoting = client.get(_url("thread", thread), {"page": 2, "quote": 30}).content.decode()
    assert "?page=3&amp;quote=30" in quoting
    plain = client.get(_url("thread", thread), {"page": 2}).content.decode()
    assert "?page=3" in plain and "?page=3&amp;quote=30" not in plain


def test_a_kept_page_and_its_thread_come_in_one_round_trip_to_the_cache(
    client, monkeypatch, thread, other
):
    client.force_login(other)
    client.get(_url("thread", thread))
    asked = []
    real = pagecache.cache

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def get_many(self, keys):
            asked.append(keys)
            return real.get_many(keys)

    monkeypatch.setattr(pagecache, "cache", Counting())
    assert _posts_read(client, _url("thread", thread)) == 0
    assert len(asked) == 1
