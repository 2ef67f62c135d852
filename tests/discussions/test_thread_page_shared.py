"""A thread's page of posts is rendered once for everyone who sees it the same
(core.fragments): each write that changes what it shows is on the page at once, and
nobody sees what was rendered for someone else."""

import pytest
from django.urls import reverse

from tests import factories
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
