"""The discussions' part of the weekly digest (discussions.digest_part): the week's
threads, for those who chose the digest for a network's discussions."""

import datetime

import pytest
import time_machine
from django.core import mail

from announcements import digest
from discussions import services, tokens
from discussions.models import DiscussionPreference
from discussions.preferences import set_network_choice, set_thread_choice
from meetings.models import LONDON
from networks.models import EmailPreference, Membership, WorkhubMembership
from networks.services import set_preference
from tests import factories

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 11, 23)
WEDNESDAY = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
Choice = DiscussionPreference.Choice


def _reader(network, email=None):
    person = factories.make_head(email=email)
    factories.make_membership(person=person, network=network)
    set_network_choice(person=person, network=network, choice=Choice.DIGEST)
    return person


def _send():
    mail.outbox.clear()
    return digest.send_weekly_digests(week=digest.Week(MONDAY))


def _to(person):
    return [message for message in mail.outbox if message.to == [person.email]]


def _week_of_threads(network, author, other_network):
    with time_machine.travel(WEDNESDAY, tick=False):
        thread = services.start_thread(network=network, author=author, title="Ofsted", body="?")
        services.add_post(thread=thread, author=author, body="Any news?")
        services.start_thread(network=other_network, author=author, title="Elsewhere", body="!")
    return thread


def test_the_weeks_threads_in_the_digest_of_those_who_chose_it(network, other_network, author):
    reader = _reader(network, "reader@school.example")
    thread = _week_of_threads(network, author, other_network)
    run = _send()
    assert run.sent == 1
    (message,) = _to(reader)
    assert "Discussions" in message.body
    assert "Ofsted (new thread, 2 posts)" in message.body
    assert f"/discussions/{thread.pk}/" in message.body
    assert "Elsewhere" not in message.body
    # Only the discussions are on the digest: its link stops them, in one click.
    unsubscribe = (
        f"/email/discussions/unsubscribe/{tokens.unsubscribe_token(reader.pk, network.pk)}/"
    )
    assert unsubscribe in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "No more announcements" not in message.body


def test_with_the_announcements_digest_too_both_links_and_the_preferences_header(
    network, other_network, author
):
    reader = _reader(network)
    set_preference(person=reader, network=network, choice=EmailPreference.Choice.DIGEST)
    _week_of_threads(network, author, other_network)
    _send()
    (message,) = _to(reader)
    assert "No more announcements from" in message.body
    assert "No more discussion emails from" in message.body
    assert "/me/email/" in message.extra_headers["List-Unsubscribe"]


def test_muted_threads_workhub_threads_of_others_and_lapsed_members_are_left_out(
    network, other_network, author
):
    reader = _reader(network, "reader@school.example")
    lapsed = _reader(network, "lapsed@school.example")
    Membership.objects.filter(person=lapsed).update(status=Membership.Status.LAPSED)
    thread = _week_of_threads(network, author, other_network)
    set_thread_choice(person=reader, thread=thread, choice="mute")
    workhub = factories.make_workhub(network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=author)
    with time_machine.travel(WEDNESDAY, tick=False):
        services.start_thread(
            network=network, workhub=workhub, author=author, title="Workhub", body="."
        )
    run = _send()
    assert mail.outbox == []
    assert run.empty == 2


def test_the_other_choices_get_no_digest_of_discussions(network, other_network, author):
    for choice in (Choice.THREADS, Choice.POSTS, Choice.NONE):
        person = factories.make_head()
        factories.make_membership(person=person, network=network)
        set_network_choice(person=person, network=network, choice=choice)
    _week_of_threads(network, author, other_network)
    assert _send().sent == 0


def _queries(django_assert_max_num_queries, network, readers: int) -> int:
    """Queries to send the week's digests when `readers` more people want them (all the
    readers so far get theirs again)."""
    for _ in range(readers):
        _reader(network)
    digest.DigestSent.objects.all().delete()
    mail.outbox.clear()
    with django_assert_max_num_queries(1000) as captured:
        digest.send_weekly_digests(week=digest.Week(MONDAY), chunk_size=4)
    return len(captured.captured_queries)


def test_reading_the_part_does_not_grow_with_the_people(
    django_assert_max_num_queries, network, other_network, author
):
    """Each chunk of four people is read in a fixed number of queries, the discussions'
    part included: each four more people cost the same."""
    _week_of_threads(network, author, other_network)
    four = _queries(django_assert_max_num_queries, network, 4)
    eight = _queries(django_assert_max_num_queries, network, 4)
    twelve = _queries(django_assert_max_num_queries, network, 4)
    assert len(mail.outbox) == 12
    assert twelve - eight == eight - four
