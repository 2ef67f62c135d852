"""prune_tasks: finished task rows and email that could not be sent are kept only a short time."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.email import queue_email
from core.models import OutgoingEmail

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _task(status: str, *, finished_days_ago: int | None) -> DBTaskResult:
    queue_email(subject="Your sign-in code", body="ABCD-EFGH", to=["head@school.example"])
    row = DBTaskResult.objects.latest("enqueued_at")
    row.status = status
    if finished_days_ago is not None:
        row.finished_at = timezone.now() - timedelta(days=finished_days_ago)
    row.save()
    return row


def test_prune_tasks_deletes_finished_rows_older_than_the_retention(settings):
    settings.TASKS = DATABASE_TASKS
    settings.TASK_RETENTION_DAYS = 7
    old_success = _task(TaskResultStatus.SUCCESSFUL, finished_days_ago=8)
    old_failure = _task(TaskResultStatus.FAILED, finished_days_ago=8)
    recent = _task(TaskResultStatus.SUCCESSFUL, finished_days_ago=6)
    waiting = _task(TaskResultStatus.READY, finished_days_ago=None)
    running = _task(TaskResultStatus.RUNNING, finished_days_ago=None)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(days=30))
    out = StringIO()

    call_command("prune_tasks", stdout=out)

    kept = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert kept == {recent.pk, waiting.pk, running.pk}
    assert old_success.pk not in kept and old_failure.pk not in kept
    assert "Deleted 2 finished tasks" in out.getvalue()


def test_prune_tasks_follows_the_configured_retention(settings):
    settings.TASKS = DATABASE_TASKS
    settings.TASK_RETENTION_DAYS = 1
    _task(TaskResultStatus.SUCCESSFUL, finished_days_ago=2)

    call_command("prune_tasks", stdout=StringIO())

    assert not DBTaskResult.objects.exists()


def test_prune_tasks_deletes_email_that_could_not_be_sent_within_the_retention(settings):
    settings.TASK_RETENTION_DAYS = 7
    settings.TASKS = DATABASE_TASKS  # nothing is sent: the emails wait
    queue_email(subject="Old reset link", body="...", to=["head@school.example"])
    queue_email(subject="Recent code", body="...", to=["head@school.example"])
    OutgoingEmail.objects.filter(subject="Old reset link").update(
        created_at=timezone.now() - timedelta(days=8)
    )

    call_command("prune_tasks", stdout=StringIO())

    assert list(OutgoingEmail.objects.values_list("subject", flat=True)) == ["Recent code"]
