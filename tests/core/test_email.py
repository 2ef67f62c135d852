from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.email import MAX_ATTEMPTS, queue_email, send_email

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MESSAGE = {
    "subject": "Hello",
    "body": "Body",
    "to": ["head@school.example"],
    "html_body": "",
    "reply_to": ["sender@school.example"],
    "from_email": "Headnet <noreply@headnet.example>",
}


def test_queued_email_is_delivered_with_its_reply_to():
    queue_email(
        subject="Hello", body="Body", to=["head@school.example"], reply_to=["sender@school.example"]
    )

    assert len(mail.outbox) == 1
    assert mail.outbox[0].reply_to == ["sender@school.example"]


@pytest.mark.django_db
def test_a_failed_send_is_queued_again_for_later(settings):
    settings.TASKS = DATABASE_TASKS
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_backends.FailingBackend"}}

    send_email.call(**MESSAGE, attempt=1)

    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > timezone.now() + timedelta(minutes=1)


@pytest.mark.django_db
def test_the_last_attempt_gives_up_loudly(settings):
    settings.TASKS = DATABASE_TASKS
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_backends.FailingBackend"}}

    with pytest.raises(Exception, match="Connection unexpectedly closed"):
        send_email.call(**MESSAGE, attempt=MAX_ATTEMPTS)

    assert not DBTaskResult.objects.exists()
