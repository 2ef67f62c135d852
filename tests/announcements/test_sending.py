"""Sending an announcement (announcements.sending): one copy per person, whatever stops
the fan-out half way, by each person's preference, never to a stopped address."""

import smtplib
from datetime import timedelta
from io import StringIO

import pytest
from anymail.exceptions import AnymailRecipientsRefused
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from announcements import sending, services
from announcements.models import Announcement, Delivery
from announcements.sending import (
    delivery_counts,
    fan_out_announcement,
    send_deliveries,
    start_sending,
)
from core.models import AuditEvent
from members import suppression
from members.models import EmailSuppression
from networks.models import EmailPreference
from networks.services.preferences import set_preference
from tests import factories
from tests.mail_backends import DroppingBackend, DyingBackend, RefusingBackend

from .conftest import DATABASE_TASKS

pytestmark = pytest.mark.django_db

Choice = EmailPreference.Choice
Status = Delivery.Status
State = Announcement.State


def _mailer(backend):
    return {"default": {"BACKEND": f"{backend.__module__}.{backend.__qualname__}"}}


def _members(network, count, prefix="member"):
    people = []
    for number in range(count):
        person = factories.make_user(email=f"{prefix}.{number}@school.example")
        factories.make_membership(person=person, network=network)
        people.append(person)
    return people


def _recipients():
    """Every address the outbox sent to, one entry per copy."""
    return sorted(address for message in mail.outbox for address in message.to)


def _statuses(announcement):
    return dict(announcement.deliveries.values_list("person__email", "status"))


# The request ----------------------------------------------------------------


def test_sending_queues_one_task_and_sends_nothing_itself(
    network, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    _members(network, 3)
    announcement = factories.make_announcement(network=network)

    with django_capture_on_commit_callbacks(execute=True):
        start_sending(announcement)
        assert not DBTaskResult.objects.exists()  # not before the sender's commit

    task = DBTaskResult.objects.get()
    assert task.task_path == "announcements.sending.fan_out_announcement"
    assert task.args_kwargs["kwargs"] == {"announcement_id": announcement.pk}
    announcement.refresh_from_db()
    assert announcement.state == State.SENDING
    assert announcement.sent_at is not None  # in the archive from now on
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_the_queued_fan_out_writes_the_rows_and_queues_batches_of_copies(
    network, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(sending, "BATCH_SIZE", 2)
    _members(network, 5)
    announcement = factories.make_announcement(network=network)
    with django_capture_on_commit_callbacks(execute=True):
        start_sending(announcement)
    DBTaskResult.objects.all().delete()

    fan_out_announcement.call(announcement_id=announcement.pk)

    assert Delivery.objects.filter(status=Status.QUEUED).count() == 5
    batches = sorted(
        (task.args_kwargs["kwargs"] for task in DBTaskResult.objects.all()),
        key=lambda batch: batch["after_id"],
    )
    assert len(batches) == 3
    ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    assert [(batch["after_id"], batch["up_to_id"]) for batch in batches] == [
        (0, ids[1]), (ids[1], ids[3]), (ids[3], ids[4]),
    ]  # fmt: skip
    assert mail.outbox == []

    for batch in batches:
        send_deliveries.call(**batch)

    assert _recipients() == sorted(f"member.{n}@school.example" for n in range(5))
    announcement.refresh_from_db()
    assert announcement.state == State.SENT


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="synchronous_commit is PostgreSQL's; run with DATABASE_URL pointing at PostgreSQL",
)
def test_each_copy_is_marked_sent_in_its_own_commit_and_the_connection_then_waits_for_disk(
    network,
):
    """The marks skip the wait for the disk (synchronous_commit off) in their own
    transactions only: the worker's next commit, its task's end, waits as ever."""
    people = _members(network, 3)
    announcement = factories.make_announcement(network=network, state=State.SENDING)

    fan_out_announcement.call(announcement_id=announcement.pk)

    assert _recipients() == sorted(person.email for person in people)
    assert set(_statuses(announcement).values()) == {Status.SENT}
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


# Each person once -----------------------------------------------------------


def test_a_person_in_the_network_and_its_subgroup_gets_one_copy(network, send):
    subgroup = factories.make_network(name="Oxford City Heads", parent=network)
    both = factories.make_user(email="both@school.example")
    factories.make_membership(person=both, network=network)
    factories.make_membership(person=both, network=subgroup)
    _members(subgroup, 2, prefix="subgroup")

    announcement = send(factories.make_announcement(network=network))

    assert _recipients() == [
        "both@school.example", "subgroup.0@school.example", "subgroup.1@school.example",
    ]  # fmt: skip
    assert announcement.deliveries.count() == 3
    assert announcement.state == State.SENT
    assert announcement.fanned_out_at is not None


def test_a_second_fan_out_writes_no_second_row_and_sends_no_second_copy(network, send):
    _members(network, 3)
    announcement = send(factories.make_announcement(network=network))

    # As if the worker ran it again (it was queued twice, or its worker died at the end).
    Announcement.objects.filter(pk=announcement.pk).update(state=State.SENDING)
    fan_out_announcement.call(announcement_id=announcement.pk)
    fan_out_announcement.call(announcement_id=announcement.pk)

    assert len(mail.outbox) == 3
    assert announcement.deliveries.count() == 3
    announcement.refresh_from_db()
    assert announcement.state == State.SENT


def test_a_fan_out_stopped_half_way_resumes_without_a_second_row_or_copy(network):
    people = _members(network, 6)
    announcement = factories.make_announcement(network=network, state=State.SENDING)
    # The first run wrote some rows before its worker died; it queued no batch yet.
    Delivery.objects.bulk_create(
        Delivery(announcement=announcement, person=person) for person in people[:4]
    )

    fan_out_announcement.call(announcement_id=announcement.pk)

    assert _recipients() == sorted(person.email for person in people)
    assert announcement.deliveries.count() == 6


def test_a_worker_killed_half_way_through_a_batch_sends_nobody_a_second_copy(
    network, settings, monkeypatch
):
    """The worker dies after 3 of 8 copies (SIGTERM: SystemExit, which no `except
    Exception` catches). core.worker queues its task again once it is seen dead; the
    next run takes the dead worker's claimed rows and sends only those not sent."""
    settings.MAILERS = _mailer(DyingBackend)
    monkeypatch.setattr(DyingBackend, "LIVES", 3)
    people = _members(network, 8)
    announcement = factories.make_announcement(network=network, state=State.SENDING)
    Announcement.objects.filter(pk=announcement.pk).update(fanned_out_at=timezone.now())
    Delivery.objects.bulk_create(Delivery(announcement=announcement, person=p) for p in people)
    batch = {"announcement_id": announcement.pk, "after_id": 0, "up_to_id": 10**9}

    with pytest.raises(SystemExit):
        send_deliveries.call(**batch)

    assert len(mail.outbox) == 3
    assert announcement.deliveries.filter(status=Status.SENT).count() == 3
    assert announcement.deliveries.filter(status=Status.SENDING).count() == 5

    # Run again at once (a second copy of the task, say): the claims are fresh, so
    # another run's, and it leaves them alone.
    monkeypatch.setattr(DyingBackend, "LIVES", 100)
    send_deliveries.call(**batch)
    assert len(mail.outbox) == 3

    # Run again after the stale time: the dead worker's rows are taken and sent.
    stale = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS + 1)
    announcement.deliveries.filter(status=Status.SENDING).update(claimed_at=stale)
    send_deliveries.call(**batch)

    assert _recipients() == sorted(person.email for person in people)
    announcement.refresh_from_db()
    assert announcement.state == State.SENT


def test_a_batch_queued_again_before_its_stopped_run_goes_stale_comes_back_for_the_rest(
    network, settings, monkeypatch
):
    """The worker is stopped mid-batch (a second SIGTERM) or loses the database: core.worker
    queues the task again 2 s later, when the stopped run's claims are still fresh. That
    run leaves them, and queues the batch again for when they are stale: nobody is left
    without their copy, and nobody gets two."""
    settings.TASKS = DATABASE_TASKS
    settings.MAILERS = _mailer(DyingBackend)
    monkeypatch.setattr(DyingBackend, "LIVES", 3)
    people = _members(network, 8)
    announcement = factories.make_announcement(network=network, state=State.SENDING)
    Announcement.objects.filter(pk=announcement.pk).update(fanned_out_at=timezone.now())
    Delivery.objects.bulk_create(Delivery(announcement=announcement, person=p) for p in people)
    batch = {"announcement_id": announcement.pk, "after_id": 0, "up_to_id": 10**9}
    with pytest.raises(SystemExit):
        send_deliveries.call(**batch)
    monkeypatch.setattr(DyingBackend, "LIVES", 100)

    send_deliveries.call(**batch)  # at once: the claims are fresh

    assert len(mail.outbox) == 3
    claimed_at = announcement.deliveries.filter(status=Status.SENDING).latest("claimed_at")
    later = DBTaskResult.objects.get()
    assert later.args_kwargs["kwargs"] == {**batch, "attempt": 1}
    assert later.run_after > claimed_at.claimed_at + timedelta(
        seconds=settings.WORKER_STALE_SECONDS
    )

    stale = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS + 1)
    announcement.deliveries.filter(status=Status.SENDING).update(claimed_at=stale)
    DBTaskResult.objects.all().delete()
    send_deliveries.call(**later.args_kwargs["kwargs"])

    assert _recipients() == sorted(person.email for person in people)
    assert not DBTaskResult.objects.exists()  # nothing left to come back for
    announcement.refresh_from_db()
    assert announcement.state == State.SENT


def test_a_fan_out_whose_worker_died_mid_batch_is_resumed_by_running_it_again(
    network, settings, monkeypatch, send
):
    """The whole path: the batch task dies; the worker queues the fan-out again; every
    person ends with exactly one copy."""
    settings.MAILERS = _mailer(DyingBackend)
    monkeypatch.setattr(DyingBackend, "LIVES", 4)
    monkeypatch.setattr(sending, "BATCH_SIZE", 3)
    people = _members(network, 10)

    announcement = send(factories.make_announcement(network=network))
    assert announcement.state == State.SENDING
    assert len(mail.outbox) < 10

    monkeypatch.setattr(DyingBackend, "LIVES", 100)
    stale = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS + 1)
    Delivery.objects.filter(status=Status.SENDING).update(claimed_at=stale)
    fan_out_announcement.call(announcement_id=announcement.pk)

    assert _recipients() == sorted(person.email for person in people)
    announcement.refresh_from_db()
    assert announcement.state == State.SENT


def test_a_dropped_connection_puts_the_rest_back_and_tries_again_later(
    network, settings, monkeypatch
):
    settings.TASKS = DATABASE_TASKS
    settings.MAILERS = _mailer(DroppingBackend)
    monkeypatch.setattr(DroppingBackend, "LIVES", 2)
    people = _members(network, 5)
    announcement = factories.make_announcement(network=network, state=State.SENDING)
    Announcement.objects.filter(pk=announcement.pk).update(fanned_out_at=timezone.now())
    Delivery.objects.bulk_create(Delivery(announcement=announcement, person=p) for p in people)
    batch = {"announcement_id": announcement.pk, "after_id": 0, "up_to_id": 10**9}

    send_deliveries.call(**batch)

    assert len(mail.outbox) == 2
    assert announcement.deliveries.filter(status=Status.QUEUED).count() == 3
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"] == {**batch, "attempt": 2}
    assert retry.run_after > timezone.now()

    monkeypatch.setattr(DroppingBackend, "LIVES", 100)
    send_deliveries.call(**retry.args_kwargs["kwargs"])

    assert _recipients() == sorted(person.email for person in people)
    announcement.refresh_from_db()
    assert announcement.state == State.SENT


def test_copies_still_failing_after_the_last_attempt_are_failed(network, settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    settings.MAILERS = _mailer(DroppingBackend)
    monkeypatch.setattr(DroppingBackend, "LIVES", 1)
    people = _members(network, 3)
    announcement = factories.make_announcement(network=network, state=State.SENDING)
    Announcement.objects.filter(pk=announcement.pk).update(fanned_out_at=timezone.now())
    Delivery.objects.bulk_create(Delivery(announcement=announcement, person=p) for p in people)

    send_deliveries.call(
        announcement_id=announcement.pk, after_id=0, up_to_id=10**9,
        attempt=sending.EMAIL_MAX_ATTEMPTS,
    )  # fmt: skip

    assert not DBTaskResult.objects.exists()
    assert delivery_counts(announcement) == {
        "sent": 1, "queued": 0, "digest": 0, "failed": 2, "bounced": 0, "complained": 0,
        "suppressed": 0,
    }  # fmt: skip
    announcement.refresh_from_db()
    assert announcement.state == State.SENT


# Preferences and stopped addresses --------------------------------------------


def _people_by_choice(network):
    people = {}
    for choice in Choice.values:
        person = factories.make_user(email=f"{choice}@school.example")
        factories.make_membership(person=person, network=network)
        set_preference(person=person, network=network, choice=choice)
        people[choice] = person
    return people


def test_each_person_gets_an_announcement_as_they_chose(network, send):
    _people_by_choice(network)

    announcement = send(factories.make_announcement(network=network))

    assert _recipients() == ["every@school.example"]
    assert _statuses(announcement) == {
        "every@school.example": Status.SENT,
        "digest@school.example": Status.DIGEST,
    }


def test_an_urgent_announcement_goes_at_once_to_all_but_those_who_want_none(network, send):
    _people_by_choice(network)

    announcement = send(factories.make_announcement(network=network, is_urgent=True))

    assert _recipients() == [
        "digest@school.example", "every@school.example", "urgent@school.example",
    ]  # fmt: skip
    assert "none@school.example" not in _statuses(announcement)
    assert announcement.state == State.SENT


def test_a_stopped_address_gets_no_copy_and_a_suppressed_row(network, send):
    fine, stopped = _members(network, 2)
    suppression.record_complaint(stopped.email)

    announcement = send(factories.make_announcement(network=network))

    assert _recipients() == [fine.email]
    assert _statuses(announcement)[stopped.email] == Status.SUPPRESSED
    assert delivery_counts(announcement)["suppressed"] == 1


def test_an_address_stopped_after_the_fan_out_gets_no_copy(network, settings):
    settings.TASKS = DATABASE_TASKS
    fine, complained = _members(network, 2)
    announcement = factories.make_announcement(network=network, state=State.SENDING)
    fan_out_announcement.call(announcement_id=announcement.pk)
    # A complaint about an earlier announcement arrives while the batch waits its turn.
    suppression.record_complaint(complained.email)

    [batch] = DBTaskResult.objects.filter(task_path__endswith="send_deliveries")
    send_deliveries.call(**batch.args_kwargs["kwargs"])

    assert _recipients() == [fine.email]
    assert _statuses(announcement)[complained.email] == Status.SUPPRESSED
    announcement.refresh_from_db()
    assert announcement.state == State.SENT


# Refusals by the mail server ----------------------------------------------------


@pytest.fixture
def refusing(settings, monkeypatch):
    settings.MAILERS = _mailer(RefusingBackend)
    refused = {}
    monkeypatch.setattr(RefusingBackend, "REFUSED", refused)
    return refused


def test_a_permanent_refusal_of_an_address_bounces_its_copy_and_counts_against_it(
    network, send, refusing
):
    fine, gone = _members(network, 2)
    refusing[gone.email] = smtplib.SMTPRecipientsRefused(
        {gone.email: (550, b"5.1.1 <gone>: Recipient address rejected: User unknown")}
    )

    announcement = send(factories.make_announcement(network=network))

    assert _recipients() == [fine.email]
    assert _statuses(announcement) == {fine.email: Status.SENT, gone.email: Status.BOUNCED}
    assert EmailSuppression.objects.get(address=gone.email).hard_bounces == 1
    assert announcement.state == State.SENT


def test_an_email_service_refusing_an_address_bounces_its_copy_without_retrying(
    network, send, refusing
):
    fine, gone = _members(network, 2)
    refusing[gone.email] = AnymailRecipientsRefused("Recipient on the service's list")

    announcement = send(factories.make_announcement(network=network))

    assert _recipients() == [fine.email]
    assert _statuses(announcement) == {fine.email: Status.SENT, gone.email: Status.BOUNCED}
    assert EmailSuppression.objects.get(address=gone.email).hard_bounces == 1
    assert announcement.state == State.SENT


def test_a_permanent_refusal_at_data_also_bounces(network, send, refusing):
    (gone,) = _members(network, 1)
    refusing[gone.email] = smtplib.SMTPDataError(552, b"5.2.2 Mailbox full")

    announcement = send(factories.make_announcement(network=network))

    assert _statuses(announcement) == {gone.email: Status.BOUNCED}
    assert EmailSuppression.objects.get(address=gone.email).hard_bounces == 1


def test_a_refusal_by_policy_fails_the_copy_without_counting_against_the_address(
    network, send, refusing
):
    (person,) = _members(network, 1)
    refusing[person.email] = smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam")

    announcement = send(factories.make_announcement(network=network))

    assert _statuses(announcement) == {person.email: Status.FAILED}
    assert not EmailSuppression.objects.exists()


def test_a_temporary_refusal_tries_that_copy_again_later(network, settings, refusing):
    settings.TASKS = DATABASE_TASKS
    fine, busy = _members(network, 2)
    refusing[busy.email] = smtplib.SMTPRecipientsRefused(
        {busy.email: (451, b"4.2.1 Mailbox busy, try again later")}
    )
    announcement = factories.make_announcement(network=network, state=State.SENDING)
    Announcement.objects.filter(pk=announcement.pk).update(fanned_out_at=timezone.now())
    Delivery.objects.bulk_create(
        Delivery(announcement=announcement, person=p) for p in (fine, busy)
    )

    send_deliveries.call(announcement_id=announcement.pk, after_id=0, up_to_id=10**9)

    assert _recipients() == [fine.email]
    assert _statuses(announcement) == {fine.email: Status.SENT, busy.email: Status.QUEUED}
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert not EmailSuppression.objects.exists()

    refusing.clear()
    send_deliveries.call(**retry.args_kwargs["kwargs"])

    assert _recipients() == sorted([fine.email, busy.email])
    announcement.refresh_from_db()
    assert announcement.state == State.SENT


def test_without_a_queue_that_can_wait_a_temporary_refusal_fails_the_copy(network, send, refusing):
    (busy,) = _members(network, 1)
    refusing[busy.email] = smtplib.SMTPRecipientsRefused({busy.email: (450, b"Busy")})

    announcement = send(factories.make_announcement(network=network))

    assert _statuses(announcement) == {busy.email: Status.FAILED}
    assert announcement.state == State.SENT


# Counts and their retention -----------------------------------------------------


def test_the_counts_are_one_query_however_many_rows(
    network, send, refusing, django_assert_num_queries
):
    people = _members(network, 6)
    set_preference(person=people[0], network=network, choice=Choice.DIGEST)
    suppression.record_complaint(people[1].email)
    refusing[people[2].email] = smtplib.SMTPRecipientsRefused({people[2].email: (550, b"No")})
    announcement = send(factories.make_announcement(network=network))
    Delivery.objects.filter(person=people[3]).update(status=Status.COMPLAINED)

    with django_assert_num_queries(1):
        counts = delivery_counts(announcement)

    assert counts == {
        "sent": 2, "queued": 0, "digest": 1, "failed": 0, "bounced": 1, "complained": 1,
        "suppressed": 1,
    }  # fmt: skip


def test_pruning_keeps_the_counts_of_an_old_announcement_and_forgets_who(
    network, send, settings, django_assert_num_queries
):
    settings.ANNOUNCEMENT_DELIVERY_RETENTION_DAYS = 90
    _members(network, 3)
    old = send(factories.make_announcement(network=network, subject="Old news"))
    recent = send(factories.make_announcement(network=network, subject="Recent news"))
    Announcement.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=91))
    counts_before = delivery_counts(old)

    out = StringIO()
    call_command("prune_deliveries", stdout=out)
    call_command("prune_deliveries", stdout=out)  # nothing left to prune

    old.refresh_from_db()
    assert not old.deliveries.exists()
    assert old.kept_counts == counts_before
    with django_assert_num_queries(0):
        assert delivery_counts(old) == counts_before
    assert recent.deliveries.count() == 3
    assert "Pruned the delivery rows of 1 announcements" in out.getvalue()
    assert "Pruned the delivery rows of 0 announcements" in out.getvalue()


# Scheduled announcements --------------------------------------------------------


def test_a_scheduled_announcement_goes_when_its_time_comes_and_only_once(
    network, django_capture_on_commit_callbacks
):
    _members(network, 2)
    due = factories.make_announcement(
        network=network, subject="Due", state=State.SCHEDULED,
        send_at=timezone.now() - timedelta(minutes=1),
    )  # fmt: skip
    later = factories.make_announcement(
        network=network, subject="Later", state=State.SCHEDULED,
        send_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_due_announcements", stdout=StringIO())

    assert (
        sorted(message.subject for message in mail.outbox)
        == ["[Headnet] Oxfordshire Primary Heads: Due"] * 2
    )
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.state == State.SENT
    assert due.sent_at is not None
    assert later.state == State.SCHEDULED
    assert not later.deliveries.exists()


def test_an_announcement_already_sent_cannot_be_sent_again(network, send):
    announcement = send(factories.make_announcement(network=network))

    with pytest.raises(ValueError, match="sent already"):
        start_sending(announcement)


# Demonstration data: recorded as sent, nobody emailed ------------------------------------


def test_sent_without_notifying_it_is_recorded_as_sent_to_each_person_and_nobody_is_emailed(
    network, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS  # nothing may be queued either
    people = _people_by_choice(network)
    draft = factories.make_announcement(network=network, author=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_announcement(announcement=draft, by=coordinator, notify=False)

    assert mail.outbox == []
    assert not DBTaskResult.objects.exists()
    sent.refresh_from_db()
    assert sent.state == State.SENT
    assert sent.fanned_out_at is not None
    statuses = _statuses(sent)
    # As a real send records them: each person once, by their choice.
    assert statuses[people[Choice.EVERY].email] == Status.SENT
    assert statuses[people[Choice.DIGEST].email] == Status.DIGEST
    assert people[Choice.URGENT_ONLY].email not in statuses
    assert people[Choice.NONE].email not in statuses
    assert statuses[coordinator.email] == Status.SENT
    assert not sent.deliveries.filter(status=Status.SENT, sent_at__isnull=True).exists()
    # The audit trail does not pretend anyone was emailed.
    event = AuditEvent.objects.get(action="announcement.sent", object_id=sent.pk)
    assert "nobody was emailed" in event.summary


def test_an_announcement_sent_without_notifying_keeps_the_limits_and_is_never_scheduled(
    network, coordinator, member, settings
):
    settings.URGENT_ANNOUNCEMENTS_PER_MONTH = 0
    urgent = factories.make_announcement(network=network, is_urgent=True)
    with pytest.raises(ValidationError, match="urgent"):
        services.send_announcement(announcement=urgent, by=coordinator, notify=False)

    plain = factories.make_announcement(network=network)
    later = timezone.now() + timedelta(days=1)
    with pytest.raises(ValueError, match="sent now"):
        services.send_announcement(announcement=plain, by=coordinator, send_at=later, notify=False)
    plain.refresh_from_db()
    assert plain.state == State.DRAFT
    assert not Delivery.objects.exists()
