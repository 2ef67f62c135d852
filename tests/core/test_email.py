import email.policy
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from core.email import (
    EMAIL_MAX_ATTEMPTS,
    ListEmail,
    _through_a_restart,
    message_id_for,
    queue_email,
    retry_pause,
    send_email,
)
from core.models import OutgoingEmail

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FAILING_MAIL = {"default": {"BACKEND": "tests.mail_backends.FailingBackend"}}


def _store(**fields) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        subject="Your sign-in code",
        body="Your code is ABCD-EFGH",
        to=["head@school.example"],
        reply_to=["sender@school.example"],
        from_email="Headnet <noreply@headnet.example>",
        **fields,
    )


def test_queued_email_is_delivered_with_its_reply_to_and_then_forgotten():
    queue_email(
        subject="Hello", body="Body", to=["head@school.example"], reply_to=["sender@school.example"]
    )

    assert len(mail.outbox) == 1
    assert mail.outbox[0].reply_to == ["sender@school.example"]
    assert not OutgoingEmail.objects.exists()  # nothing of a sent email is kept


def test_bulk_mail_carries_its_list_headers_but_never_its_own_message_id():
    queue_email(
        subject="Your weekly digest",
        body="Body",
        to=["head@school.example"],
        headers={
            "List-Id": "Weekly digest <digest.headnet.example>",
            "List-Unsubscribe": "<https://headnet.example/me/email/>",
            "Message-ID": "<chosen-by-the-caller@example>",
        },
    )

    message = mail.outbox[0].message()
    # A long link stays one link on the wire, not folded into encoded words (RFC 2047).
    link = "https://headnet.example/email/unsubscribe/" + "a1b2c3d4" * 12 + "/"
    queue_email(
        subject="Your weekly digest",
        body="Body",
        to=["head@school.example"],
        headers={"List-Unsubscribe": f"<{link}>"},
    )
    for policy in (None, email.policy.SMTP):  # as a test reads it; as the SMTP backend sends it
        wire = mail.outbox[1].message(policy=policy).as_bytes()
        assert f"List-Unsubscribe: <{link}>".encode() in wire
    assert message["List-Id"] == "Weekly digest <digest.headnet.example>"
    assert message["List-Unsubscribe"] == "<https://headnet.example/me/email/>"
    # One Message-ID per stored email, the same at every attempt: ours, not the caller's.
    assert message["Message-ID"] != "<chosen-by-the-caller@example>"
    assert len(message.get_all("Message-ID")) == 1


def test_bulk_mail_reads_its_headers_as_python_does_however_many_copies_are_built():
    def copy_to(address):
        return ListEmail(
            subject="Café à la une: news",
            body="Body",
            from_email="Heads of England <news@headnet.example>",
            to=[address],
            headers={"List-Id": '"Heads of England" <england.announcements.headnet.example>'},
        ).message(policy=email.policy.SMTP)

    first, second = copy_to("one@school.example"), copy_to("two@school.example")

    assert first["Subject"] == "Café à la une: news"
    assert first["From"].addresses[0].display_name == "Heads of England"
    assert [str(a.addr_spec) for a in second["To"].addresses] == ["two@school.example"]
    assert b"=?utf-8?" in first.as_bytes()  # the accents encoded on the wire (RFC 2047)
    # Each header name's class is made once, not again for every copy (it is the slow part).
    assert type(first["To"]) is type(second["To"])
    assert type(first["List-Id"]) is type(second["List-Id"])


def test_the_task_queue_holds_only_which_email_to_send(settings):
    settings.TASKS = DATABASE_TASKS

    queue_email(subject="Your sign-in code", body="ABCD-EFGH", to=["head@school.example"])

    task = DBTaskResult.objects.get()
    assert "ABCD-EFGH" not in str(task.args_kwargs)
    assert "head@school.example" not in str(task.args_kwargs)
    assert task.args_kwargs["kwargs"]["attempt"] == 1


def test_a_failed_send_is_queued_again_for_later_and_the_email_kept(settings):
    settings.TASKS = DATABASE_TASKS
    settings.MAILERS = FAILING_MAIL
    email = _store()

    send_email.call(email_id=email.pk, attempt=1)

    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"] == {"email_id": email.pk, "attempt": 2}
    assert retry.run_after > timezone.now() + timedelta(minutes=1)
    assert OutgoingEmail.objects.get().attempts == 1


def test_the_last_attempt_gives_up_loudly(settings):
    settings.TASKS = DATABASE_TASKS
    settings.MAILERS = FAILING_MAIL
    email = _store()

    with pytest.raises(Exception, match="Connection unexpectedly closed"):
        send_email.call(email_id=email.pk, attempt=EMAIL_MAX_ATTEMPTS)

    assert not DBTaskResult.objects.exists()
    assert OutgoingEmail.objects.get().attempts == EMAIL_MAX_ATTEMPTS  # kept for prune_tasks


def test_an_email_keeps_trying_for_about_a_day_pausing_at_most_an_hour():
    pauses = [retry_pause(attempt) for attempt in range(1, EMAIL_MAX_ATTEMPTS)]

    assert pauses[:3] == [timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert max(pauses) == timedelta(hours=1)
    # The mail server down for a night: the email is still being tried next morning.
    assert timedelta(hours=20) < sum(pauses, timedelta()) < timedelta(hours=30)


def test_the_pauses_come_from_the_settings(settings):
    settings.EMAIL_RETRY_SECONDS = 2
    settings.EMAIL_RETRY_MAX_SECONDS = 5

    assert [retry_pause(attempt).seconds for attempt in (1, 2, 3, 4)] == [2, 4, 5, 5]


def test_a_mail_server_down_for_hours_loses_no_email(settings):
    """Attempt after attempt fails; once the server is back, the email goes out once."""
    settings.TASKS = DATABASE_TASKS
    settings.MAILERS = FAILING_MAIL
    email = _store()
    attempt = 1
    for _ in range(10):  # 2 + 4 + ... + 60 minutes: about six hours down
        send_email.call(email_id=email.pk, attempt=attempt)
        retry = DBTaskResult.objects.get(status="READY")
        retry.delete()
        attempt = retry.args_kwargs["kwargs"]["attempt"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

    send_email.call(email_id=email.pk, attempt=attempt)

    assert len(mail.outbox) == 1
    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_every_attempt_at_an_email_carries_the_same_message_id(settings):
    """A send the server took without confirming, then sent again, is one message to
    the receiving servers: they drop a Message-ID they have already seen."""
    email = _store()
    other = _store()
    message_id = message_id_for(email)

    assert message_id == message_id_for(OutgoingEmail.objects.get(pk=email.pk))
    assert message_id != message_id_for(other)
    assert message_id.endswith("@headnet.example>")

    send_email.call(email_id=email.pk, attempt=3)

    assert mail.outbox[0].message()["Message-ID"] == message_id


def test_an_email_is_never_stored_without_its_task(settings):
    """If queueing the task fails, the email is not left behind, unsendable."""
    settings.TASKS = DATABASE_TASKS

    with (
        mock.patch.object(DatabaseBackend, "enqueue", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        queue_email(subject="Hello", body="Body", to=["head@school.example"])

    assert not OutgoingEmail.objects.exists()


def test_a_send_run_twice_delivers_once():
    email = _store()

    send_email.call(email_id=email.pk, attempt=1)
    send_email.call(email_id=email.pk, attempt=1)

    assert len(mail.outbox) == 1


def test_a_sent_email_is_forgotten_even_if_the_database_restarts_at_that_moment():
    email = _store()
    real_filter = OutgoingEmail.objects.filter
    calls = {"delete": 0}

    def filter_with_one_restart(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        real_delete = queryset.delete

        def delete():
            calls["delete"] += 1
            if calls["delete"] == 1:
                raise OperationalError("the database system is shutting down")
            return real_delete()

        queryset.delete = delete
        return queryset

    with (
        mock.patch.object(OutgoingEmail.objects, "filter", side_effect=filter_with_one_restart),
        mock.patch("core.email.connection.close"),  # the test's transaction must stay open
        mock.patch("core.email.time.sleep"),
    ):
        send_email.call(email_id=email.pk, attempt=1)

    assert len(mail.outbox) == 1
    assert calls["delete"] == 2
    assert not OutgoingEmail.objects.exists()


def test_a_database_away_for_longer_than_a_restart_still_fails_the_task():
    def away():
        raise OperationalError("connection refused")

    clock = iter(range(0, 1000, 5))
    with (
        mock.patch("core.email.connection.close"),
        mock.patch("core.email.time.sleep"),
        mock.patch("core.email.time.monotonic", side_effect=lambda: next(clock)),
        pytest.raises(OperationalError),
    ):
        _through_a_restart(away)
