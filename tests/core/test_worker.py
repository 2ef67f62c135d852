"""run_worker: a task whose worker died runs again, and the worker outlives the database
going away (core.worker)."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.tasks import task
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from core.email import message_id_for, queue_email
from core.models import OutgoingEmail, WorkerHeartbeat
from core.worker import MAX_CLAIMS, Housekeeper, Worker, reclaim_stalled_tasks

# transaction=True: the worker's loop closes its connection between tasks, as a
# request does, which would end a test's transaction on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WORKER_OPTIONS = {
    "queue_names": ["default"],
    "excluded_queue_names": [],
    "interval": 0,
    "batch": True,
    "backend_name": "default",
    "startup_delay": False,
    "max_tasks": None,
}


def _work_off_the_queue(worker_class=Worker, **options):
    """One worker in batch mode: it runs every task waiting, then stops."""
    if worker_class is Worker:
        options.setdefault("housekeeping", False)
    worker_class(**(WORKER_OPTIONS | {"worker_id": "the-survivor"} | options)).run()


def _email_claimed_by(worker_id: str) -> tuple[OutgoingEmail, DBTaskResult]:
    """An email whose task a worker has claimed, as if it were sending it now."""
    queue_email(subject="Your sign-in code", body="ABCD-EFGH", to=["head@school.example"])
    row = DBTaskResult.objects.get()
    row.claim(worker_id)
    return OutgoingEmail.objects.get(), row


def _seen(worker_id: str, *, seconds_ago: int):
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(worker_id=worker_id, started_at=seen, seen_at=seen)


def _age(row: DBTaskResult, seconds: int):
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_an_email_whose_worker_died_mid_send_is_sent_once_by_another_worker(settings):
    settings.TASKS = DATABASE_TASKS
    settings.WORKER_STALE_SECONDS = 30
    email, row = _email_claimed_by("killed-worker")
    message_id = message_id_for(email)
    _seen("killed-worker", seconds_ago=45)  # it stopped beating: SIGKILL, machine lost
    _age(row, 45)

    # Without a reclaim the task stays RUNNING for ever: another worker never sees it.
    _work_off_the_queue()
    assert mail.outbox == []

    assert reclaim_stalled_tasks() == [str(row.pk)]
    _work_off_the_queue()

    assert [message.message()["Message-ID"] for message in mail.outbox] == [message_id]
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert row.worker_ids == ["killed-worker", "the-survivor"]
    assert not OutgoingEmail.objects.exists()
    assert not WorkerHeartbeat.objects.filter(worker_id="killed-worker").exists()


def test_a_task_under_a_worker_still_beating_is_left_to_it(settings):
    settings.TASKS = DATABASE_TASKS
    settings.WORKER_STALE_SECONDS = 30
    _, row = _email_claimed_by("slow-worker")
    _seen("slow-worker", seconds_ago=3)
    _age(row, 600)  # a long task is no sign of death; a missing heartbeat is

    assert reclaim_stalled_tasks() == []

    row.refresh_from_db()
    assert row.status == "RUNNING"
    _work_off_the_queue()
    assert mail.outbox == []  # nobody sends it while its worker is still at it


def test_a_task_just_claimed_is_not_taken_for_stalled(settings):
    settings.TASKS = DATABASE_TASKS
    settings.WORKER_STALE_SECONDS = 30
    _, row = _email_claimed_by("worker-without-a-row")

    assert reclaim_stalled_tasks() == []
    _age(row, 31)
    assert reclaim_stalled_tasks() == [str(row.pk)]  # a db_worker's, or a lost row


def test_a_task_whose_workers_keep_dying_is_given_up(settings):
    """A task that kills every worker running it (memory, say) is not run for ever."""
    settings.TASKS = DATABASE_TASKS
    _, row = _email_claimed_by("worker-0")
    DBTaskResult.objects.filter(pk=row.pk).update(
        worker_ids=[f"worker-{n}" for n in range(MAX_CLAIMS)],
        started_at=timezone.now() - timedelta(hours=1),
    )

    with mock.patch("core.worker.logger") as logger:
        assert reclaim_stalled_tasks() == []

    row.refresh_from_db()
    assert row.status == "FAILED"
    assert f"{MAX_CLAIMS} workers died running it" in row.traceback
    assert "given up" in logger.error.call_args.args[0]


@pytest.mark.parametrize("other_beats_again", [True, False])
def test_after_an_outage_a_worker_waits_before_taking_anything_over(settings, other_beats_again):
    """When the database comes back every heartbeat is as old as the outage. A worker
    takes a task over only after it has been back long enough for every live worker to
    have beaten again; so the email of a worker that survived is not sent twice."""
    settings.TASKS = DATABASE_TASKS
    settings.WORKER_STALE_SECONDS = 30
    _, row = _email_claimed_by("other-worker")
    _seen("other-worker", seconds_ago=45)  # its last beat was before the outage
    _age(row, 45)
    keeper = Housekeeper("this-worker", schedule=False)
    clock = [1000.0]

    def status_after_a_tick_at(moment):
        clock[0] = moment
        keeper.tick()
        return DBTaskResult.objects.get(pk=row.pk).status

    with mock.patch("core.worker.time.monotonic", lambda: clock[0]):
        assert status_after_a_tick_at(1000) == "RUNNING"  # just back
        if other_beats_again:
            WorkerHeartbeat.objects.filter(worker_id="other-worker").update(seen_at=timezone.now())
        with mock.patch("core.worker.beat", side_effect=OperationalError("gone again")):
            assert status_after_a_tick_at(1020) == "RUNNING"
        assert status_after_a_tick_at(1031) == "RUNNING"  # back again: the wait starts over
        assert status_after_a_tick_at(1051) == "RUNNING"  # 51 s since the first return
        final = status_after_a_tick_at(1062)  # 31 s since the second

    assert final == ("RUNNING" if other_beats_again else "READY")


_database_blips = {"left": 0}


@task()
def touchy_task() -> str:
    """Fails with a database error as long as _database_blips says so."""
    if _database_blips["left"]:
        _database_blips["left"] -= 1
        raise OperationalError("terminating connection due to administrator command")
    return "done"


def test_a_task_that_failed_because_the_database_went_away_runs_again(settings):
    settings.TASKS = DATABASE_TASKS
    _database_blips["left"] = 1
    result = touchy_task.enqueue()

    _work_off_the_queue()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "READY"  # queued again, after a short pause
    assert row.run_after > timezone.now()

    DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())
    _work_off_the_queue()

    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert row.return_value == "done"


def test_a_task_whose_end_was_lost_with_the_database_runs_again_and_sends_once(settings):
    """The email went out, then the database went away before the worker could write
    down that it had: the worker waits for it, and the task runs again, sending nothing."""
    settings.TASKS = DATABASE_TASKS
    queue_email(subject="Your sign-in code", body="ABCD-EFGH", to=["head@school.example"])
    row = DBTaskResult.objects.get()
    lost = OperationalError("server closed the connection unexpectedly")
    real_successful = DBTaskResult.set_successful
    calls = {"successful": 0}

    def successful_after_a_restart(self, value):
        calls["successful"] += 1
        if calls["successful"] == 1:
            raise lost
        return real_successful(self, value)

    with (
        mock.patch.object(DBTaskResult, "set_successful", successful_after_a_restart),
        mock.patch.object(DBTaskResult, "set_failed", side_effect=lost),
    ):
        _work_off_the_queue()

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert row.worker_ids == ["the-survivor", "the-survivor"]  # claimed, given back, run again


def test_django_tasks_db_alone_would_have_stopped_there(settings):
    """The same lost end with db_worker's own worker: it exits and the task stays
    RUNNING for ever. This is what run_worker fixes."""
    settings.TASKS = DATABASE_TASKS
    queue_email(subject="Your sign-in code", body="ABCD-EFGH", to=["head@school.example"])
    lost = OperationalError("server closed the connection unexpectedly")

    with (
        mock.patch.object(DBTaskResult, "set_successful", side_effect=lost),
        mock.patch.object(DBTaskResult, "set_failed", side_effect=lost),
        pytest.raises(OperationalError),
    ):
        _work_off_the_queue(db_worker.Worker, worker_id="plain")

    assert DBTaskResult.objects.get().status == "RUNNING"


def test_run_worker_sends_the_queue_and_leaves_no_heartbeat_behind(settings):
    settings.TASKS = DATABASE_TASKS
    for n in range(3):
        queue_email(subject=f"Email {n}", body="...", to=["head@school.example"])

    call_command(
        "run_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0", stdout=StringIO()
    )

    assert sorted(message.subject for message in mail.outbox) == ["Email 0", "Email 1", "Email 2"]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert not WorkerHeartbeat.objects.exists()
