from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.email import MAX_ATTEMPTS, queue_email, send_email
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
        send_email.call(email_id=email.pk, attempt=MAX_ATTEMPTS)

    assert not DBTaskResult.objects.exists()


def test_a_send_run_twice_delivers_once():
    email = _store()

    send_email.call(email_id=email.pk, attempt=1)
    send_email.call(email_id=email.pk, attempt=1)

    assert len(mail.outbox) == 1
