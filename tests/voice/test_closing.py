"""Closing polls (at their time, or now by hand) and the one reminder the day before."""

import datetime
import io
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from networks.models import Membership, Network
from tests import factories
from voice import closing
from voice.models import Poll

pytestmark = pytest.mark.django_db


def _close_url(poll):
    return reverse("voice:poll_close", args=[poll.network.slug, poll.pk])


# Closing at the closing time --------------------------------------------------------------


def test_close_polls_closes_those_past_their_time_and_asks_the_starter_for_the_outcome(
    network, coordinator
):
    now = timezone.now()
    due = factories.make_poll_record(
        network=network, created_by=coordinator, title="Meet monthly",
        closes_at=now - datetime.timedelta(minutes=1),
    )  # fmt: skip
    later = factories.make_poll_record(network=network, closes_at=now + datetime.timedelta(hours=1))

    out = io.StringIO()
    call_command("close_polls", stdout=out)

    assert "Polls closed: 1" in out.getvalue()
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.state == Poll.State.CLOSED and due.closed_at is not None
    assert later.state == Poll.State.OPEN
    [email] = mail.outbox
    assert email.to == [coordinator.email]
    assert 'record the outcome of "Meet monthly"' in email.subject
    assert "Please record the outcome" in email.body
    assert f"/networks/{network.slug}/polls/{due.pk}/outcome/" in email.body
    event = AuditEvent.objects.get(action="poll.closed")
    assert event.changes["State"] == ["Open", "Closed"]
    assert event.changes["_automatic"] is True


def test_running_close_polls_twice_closes_once_and_emails_once(network, coordinator):
    factories.make_poll_record(
        network=network, created_by=coordinator, closes_at=timezone.now() - datetime.timedelta(1)
    )
    call_command("close_polls", stdout=io.StringIO())
    call_command("close_polls", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="poll.closed").count() == 1


def test_closing_leaves_the_count_intact(network, member):
    poll = factories.make_poll_record(network=network, closes_at=timezone.now())
    factories.cast_ballot(poll, person=member, position="agree")
    closing.close_due_polls()
    assert poll.ballots.count() == 1 and poll.vote_records.count() == 1


# Close now ---------------------------------------------------------------------------------


def test_the_starter_closes_their_poll_now_without_an_email_to_themselves(client, network, member):
    poll = factories.make_poll_record(network=network, created_by=member)
    client.force_login(member)
    response = client.post(_close_url(poll), follow=True)
    assert "The poll is closed." in response.content.decode()
    poll.refresh_from_db()
    assert poll.state == Poll.State.CLOSED
    assert mail.outbox == []


def test_a_coordinator_closing_someone_s_poll_tells_the_starter(
    client, network, coordinator, member
):
    poll = factories.make_poll_record(network=network, created_by=member)
    client.force_login(coordinator)
    client.post(_close_url(poll))
    assert [email.to for email in mail.outbox] == [[member.email]]


@pytest.mark.parametrize("persona", ["member", "head", "outsider_coordinator"])
def test_others_may_not_close_a_poll(client, request, network, coordinator, persona):
    poll = factories.make_poll_record(network=network, created_by=coordinator)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_close_url(poll)).status_code == 403
    poll.refresh_from_db()
    assert poll.state == Poll.State.OPEN


def test_close_now_is_post_only_and_a_closed_poll_stays_as_it_was(client, network, coordinator):
    poll = factories.make_poll_record(network=network, state="closed")
    client.force_login(coordinator)
    assert client.get(_close_url(poll)).status_code == 405
    response = client.post(_close_url(poll), follow=True)
    assert "The poll has already closed." in response.content.decode()
    assert AuditEvent.objects.filter(action="poll.closed").count() == 0


def test_the_results_page_offers_close_now_to_the_starter_only_while_open(client, network, member):
    poll = factories.make_poll_record(
        network=network, created_by=member, results_shown="after_voting"
    )
    factories.cast_ballot(poll, person=member, position="agree")
    client.force_login(member)
    url = reverse("voice:poll_results", args=[network.slug, poll.pk])
    assert "Close now" in client.get(url).content.decode()
    client.post(_close_url(poll))
    assert "Close now" not in client.get(url).content.decode()


# The reminder ------------------------------------------------------------------------------


def _closing_tomorrow(network, **fields):
    return factories.make_poll_record(
        network=network, title="Meet monthly",
        closes_at=timezone.now() + datetime.timedelta(hours=20), **fields,
    )  # fmt: skip


def test_one_reminder_goes_to_the_members_who_have_not_voted(network, member, coordinator):
    poll = _closing_tomorrow(network)
    factories.cast_ballot(poll, person=coordinator, position="agree")
    out = io.StringIO()

    call_command("send_poll_reminders", stdout=out)
    call_command("send_poll_reminders", stdout=io.StringIO())

    assert "Poll reminders queued: 1" in out.getvalue()
    [email] = mail.outbox
    assert email.to == [member.email]
    assert email.subject.endswith('Reminder: "Meet monthly" closes tomorrow')
    assert "You have not yet voted in" in email.body
    assert f"/networks/{network.slug}/polls/{poll.pk}/" in email.body
    assert "This is the only reminder for this poll." in email.body
    poll.refresh_from_db()
    assert poll.reminded_at is not None


def test_no_reminder_for_a_poll_closing_later_nor_a_closed_one(network, member):
    factories.make_poll_record(
        network=network, closes_at=timezone.now() + datetime.timedelta(days=3)
    )
    factories.make_poll_record(
        network=network, state="closed", closes_at=timezone.now() + datetime.timedelta(hours=3)
    )
    assert closing.send_reminders() == 0
    assert mail.outbox == []


def test_a_secret_poll_s_reminder_skips_those_who_voted_by_their_vote_record(
    network, member, coordinator
):
    poll = _closing_tomorrow(network, secret=True)
    ballot = factories.cast_ballot(poll, person=coordinator, position="agree")
    assert ballot.person is None
    closing.send_reminders()
    assert [email.to for email in mail.outbox] == [[member.email]]


def test_a_school_poll_reminds_the_seat_holders_of_schools_that_have_not_voted(network):
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    voted_school, silent_school = factories.make_school(), factories.make_school()
    voted_head = factories.make_head(school=voted_school)
    silent_head = factories.make_head(school=silent_school)
    for head, school in ((voted_head, voted_school), (silent_head, silent_school)):
        factories.make_membership(person=head, network=network)
        Membership.objects.filter(person=head).update(school=school)
    # A member without a seat does not vote in a school poll, so is not reminded.
    factories.make_membership(person=factories.make_user(), network=network)
    poll = _closing_tomorrow(network, voters="schools")
    factories.cast_ballot(poll, person=voted_head, school=voted_school, position="agree")

    closing.send_reminders()

    [email] = mail.outbox
    assert email.to == [silent_head.email]
    assert "Your school has not yet voted" in email.body
    assert "holding your school's seat" in email.body


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers, so two runs cannot race; run with DATABASE_URL "
    "pointing at PostgreSQL",
)
def test_two_reminder_runs_at_the_same_moment_send_one_reminder(network, member):
    _closing_tomorrow(network)
    barrier = threading.Barrier(2)
    sent, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            sent.append(closing.send_reminders())
        except Exception as error:  # the test reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(sent) == [0, 1]
    assert [email.to for email in mail.outbox] == [[member.email]]
