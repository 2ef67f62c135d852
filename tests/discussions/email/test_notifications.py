"""Emails about new threads and posts: who gets one, what it carries, and that nobody gets
two, nor the author one (discussions.notifications)."""

import pytest
from django.core import mail

from discussions import notifications, services, tokens
from discussions.models import DiscussionPreference, PostNotification, ThreadFollow
from discussions.preferences import set_network_choice, set_thread_choice
from members import suppression
from networks.models import Membership
from tests import factories
from tests.discussions.email.conftest import REPLY_DOMAIN

pytestmark = pytest.mark.django_db
Choice = DiscussionPreference.Choice


def _to(person):
    return [message for message in mail.outbox if message.to == [person.email]]


def _member(network, email, choice=None):
    person = factories.make_head(email=email)
    factories.make_membership(person=person, network=network)
    if choice:
        DiscussionPreference.objects.create(person=person, network=network, choice=choice)
    return person


def _reply(thread, author, body="Same here."):
    mail.outbox.clear()
    return services.add_post(thread=thread, author=author, body=body)


def test_a_new_thread_emails_every_member_who_wants_new_threads_but_not_its_author(
    network, author, jane
):
    posts = _member(network, "posts@school.example", Choice.POSTS)
    digest = _member(network, "digest@school.example", Choice.DIGEST)
    none = _member(network, "none@school.example", Choice.NONE)
    services.start_thread(network=network, author=author, title="Ofsted", body="Any news?")
    assert len(_to(jane)) == 1  # no row: every new thread
    assert len(_to(posts)) == 1
    assert _to(author) == _to(digest) == _to(none) == []
    (message,) = _to(jane)
    assert message.subject == "[Headnet] New thread in " + network.label + ": Ofsted"
    assert "Any news?" in message.body


def test_a_reply_emails_followers_and_every_post_people_only(network, thread, author, jane):
    posts = _member(network, "posts@school.example", Choice.POSTS)
    follower = _member(network, "follower@school.example", Choice.DIGEST)
    set_thread_choice(person=follower, thread=thread, choice="follow")
    _reply(thread, jane)
    assert len(_to(posts)) == 1
    assert len(_to(follower)) == 1
    # The thread's author follows what they started: they hear of the reply.
    assert len(_to(author)) == 1
    # The reply's author never gets a copy of their own post.
    assert _to(jane) == []
    assert _to(posts)[0].subject == "[Headnet] Re: SEND funding this term"


def test_a_reply_does_not_email_people_who_want_new_threads_only(network, thread, jane):
    threads_only = _member(network, "threads@school.example")
    _reply(thread, jane)
    assert _to(threads_only) == []


def test_a_muted_thread_emails_nobody_who_muted_it(network, thread, author, jane):
    posts = _member(network, "posts@school.example", Choice.POSTS)
    set_thread_choice(person=posts, thread=thread, choice="mute")
    set_thread_choice(person=author, thread=thread, choice="mute")
    _reply(thread, jane)
    assert _to(posts) == [] and _to(author) == []


def test_the_author_follows_unless_they_chose_the_digest_or_none(network, author, jane):
    set_network_choice(person=jane, network=network, choice=Choice.DIGEST)
    thread = services.start_thread(network=network, author=jane, title="T", body="B")
    assert not ThreadFollow.objects.filter(person=jane).exists()
    _reply(thread, author)
    assert _to(jane) == []
    assert ThreadFollow.objects.get(person=author, thread=thread).choice == "follow"


def test_a_post_never_undoes_a_mute(network, thread, author, jane):
    set_thread_choice(person=jane, thread=thread, choice="mute")
    services.add_post(thread=thread, author=jane, body="One more thing.")
    assert ThreadFollow.objects.get(person=jane, thread=thread).choice == "mute"


def test_outsiders_lapsed_members_and_suppressed_addresses_get_nothing(
    network, other_network, author
):
    outsider = _member(other_network, "outsider@school.example", Choice.POSTS)
    lapsed = _member(network, "lapsed@school.example", Choice.POSTS)
    Membership.objects.filter(person=lapsed).update(status=Membership.Status.LAPSED)
    pending = factories.make_head(email="pending@school.example")
    factories.make_membership(person=pending, network=network, status="pending")
    bounced = _member(network, "bounced@school.example", Choice.POSTS)
    suppression.record_complaint(bounced.email)
    inactive = _member(network, "inactive@school.example", Choice.POSTS)
    inactive.is_active = False
    inactive.save()
    services.start_thread(network=network, author=author, title="T", body="B")
    for person in (outsider, lapsed, pending, bounced, inactive):
        assert _to(person) == [], person.email


def test_a_workhub_thread_emails_the_workhubs_people_only(workhub_thread, jane, author):
    mail.outbox.clear()
    posts = _member(workhub_thread.network, "posts@school.example", Choice.POSTS)
    services.add_post(thread=workhub_thread, author=jane, body="Not in the workhub")
    assert _to(posts) == []
    # jane is no workhub person: the thread's author hears of it, she is not emailed.
    assert len(_to(author)) == 1


def test_one_email_per_post_per_person_when_the_signal_fires_twice(network, thread, jane):
    posts = _member(network, "posts@school.example", Choice.POSTS)
    post = _reply(thread, jane)
    assert notifications.notify(post.pk) == 0
    assert len(_to(posts)) == 1
    assert PostNotification.objects.filter(post=post, person=posts).count() == 1


def test_each_email_has_its_own_reply_address_and_one_click_unsubscribe(network, thread, jane):
    posts = _member(network, "posts@school.example", Choice.POSTS)
    post = _reply(thread, jane)
    (message,) = _to(posts)
    (reply_to,) = message.reply_to
    assert reply_to.startswith("reply+") and reply_to.endswith("@" + REPLY_DOMAIN)
    assert len(reply_to.split("@")[0]) <= 64  # RFC 5321's longest local part
    assert tokens.read_reply_address(reply_to) == (posts, thread)
    headers = message.extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = tokens.unsubscribe_token(posts.pk, network.pk)
    assert f"/email/discussions/unsubscribe/{token}/" in headers["List-Unsubscribe"]
    assert network.slug in headers["List-Id"]
    assert post.body in message.body


def test_no_reply_address_when_replies_by_email_are_off(settings, network, thread, jane):
    settings.DISCUSSIONS_REPLY_DOMAIN = ""
    posts = _member(network, "posts@school.example", Choice.POSTS)
    _reply(thread, jane)
    (message,) = _to(posts)
    assert message.reply_to == []
    assert "Reply to this email" not in message.body


@pytest.mark.parametrize("many", [2, 12])
def test_the_notification_queries_do_not_grow_with_the_audience(
    network, thread, jane, many, django_assert_num_queries
):
    """The recipients are read in one query whatever their number; each email is then its
    own row and task (core.email), so only those grow."""
    for number in range(many):
        _member(network, f"posts{number}@school.example", Choice.POSTS)
    post = _reply(thread, jane)
    with django_assert_num_queries(1):
        people = list(notifications.recipients(post))
    assert len(people) == many + 1  # and the thread's author, who follows it
