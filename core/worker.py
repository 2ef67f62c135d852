"""The task worker: django-tasks-db's, made to survive a dead worker and a database
restart (`manage.py run_worker`).

django-tasks-db 0.13 marks a task RUNNING when a worker claims it and leaves it so
for ever if the worker dies (SIGKILL, the machine lost): an email then is never
sent. Its `db_worker` exits when the database goes away. This module adds:

- a heartbeat: a thread writes the worker's WorkerHeartbeat row every
  WORKER_HEARTBEAT_SECONDS, while a task runs as well as between tasks;
- reclaim: the same thread queues again every task still RUNNING under a worker
  not seen for WORKER_STALE_SECONDS. Our tasks may run twice: an email carries the
  same Message-ID every time and is deleted once sent, a contact message is marked
  sent, and every periodic command is safe to run again;
- reconnect: a database error in the worker's loop waits for the database and
  carries on; a task whose end could not be recorded, or which failed only because
  the database went away, is queued again, not lost;
- the scheduler (core.scheduler), on the same thread, so the worker is the only
  process to run beside the web server.
"""

import contextlib
import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat
from .scheduler import Scheduler

logger = logging.getLogger(__name__)

# What a database that went away raises (Django's wrappers of the driver's errors).
DATABASE_ERRORS = (OperationalError, InterfaceError)
# A task that "failed" with one of these did not fail: the database went away under
# it, or the worker was stopped in the middle (a second Ctrl+C or SIGTERM).
_NOT_THE_TASKS_FAULT = {
    f"{error.__module__}.{error.__qualname__}"
    for error in (*DATABASE_ERRORS, SystemExit, KeyboardInterrupt)
}
# A task claimed this many times (each a worker that died running it, or a database
# error) is given up as failed: it may be what kills its workers.
MAX_CLAIMS = 10
# An interrupted task waits this long before it runs again.
DATABASE_RETRY_PAUSE = timedelta(seconds=2)
RUNNING = "RUNNING"
READY = "READY"
FAILED = "FAILED"


def _close_quietly():
    """Drop this thread's connection; the next query connects again."""
    with contextlib.suppress(*DATABASE_ERRORS):
        connection.close()


def wait_for_database(keep_waiting=lambda: True, *, longest_pause: float = 5.0) -> bool:
    """Block until the database answers again; False if keep_waiting() said to stop."""
    pause = 0.25
    while keep_waiting():
        try:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except DATABASE_ERRORS:
            _close_quietly()
            time.sleep(pause)
            pause = min(pause * 2, longest_pause)
    return False


def beat(worker_id: str) -> None:
    """Record that the worker is alive, on the database's clock."""
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=Now()):
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, host=socket.gethostname()[:255], pid=os.getpid(),
            started_at=Now(), seen_at=Now(),
        )  # fmt: skip


def _requeue(task: DBTaskResult, *, status: str, run_after=None) -> bool:
    """Put a task back in the queue if it is still as we saw it; True if it was.

    The condition (the same status and start) makes two workers doing this at once
    harmless: only one update matches, and a task claimed again since is left alone.
    """
    fields = {"status": READY, "started_at": None, "finished_at": None}
    if run_after is not None:
        fields["run_after"] = run_after
    matching = DBTaskResult.objects.filter(pk=task.pk, status=status, started_at=task.started_at)
    return bool(matching.update(**fields))


def _give_up(task: DBTaskResult, reason: str) -> None:
    DBTaskResult.objects.filter(pk=task.pk, status=RUNNING, started_at=task.started_at).update(
        status=FAILED, finished_at=timezone.now(), traceback=reason, exception_class_path=""
    )
    logger.error("Task %s (%s) given up: %s", task.pk, task.task_path, reason)


def reclaim_stalled_tasks(stale_after: timedelta | None = None) -> list[str]:
    """Queue again every task RUNNING under a worker not seen for `stale_after`
    (default WORKER_STALE_SECONDS): that worker died. Returns the tasks' ids."""
    stale_after = stale_after or timedelta(seconds=settings.WORKER_STALE_SECONDS)
    cutoff = Now() - stale_after
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    reclaimed = []
    # Only tasks started before the cutoff: a worker beats before it claims anything.
    stalled = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    for task in stalled.only("id", "task_path", "worker_ids", "started_at"):
        worker_id = task.worker_ids[-1] if task.worker_ids else ""
        if worker_id in alive:
            continue
        if len(task.worker_ids) >= MAX_CLAIMS:
            _give_up(task, f"{MAX_CLAIMS} workers died running it")
        elif _requeue(task, status=RUNNING):
            logger.warning(
                "Task %s (%s) was running under worker %s, which has stopped: queued again",
                task.pk, task.task_path, worker_id,
            )  # fmt: skip
            reclaimed.append(str(task.pk))
    WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()
    return reclaimed


class Housekeeper(threading.Thread):
    """The worker's second thread: heartbeat, reclaim and scheduler, every few seconds.

    It has its own database connection, so it beats while the worker's thread is
    busy with a long task, and carries on through a database restart.
    """

    def __init__(self, worker_id: str, *, schedule: bool = True):
        super().__init__(name=f"housekeeper-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.every = settings.WORKER_HEARTBEAT_SECONDS
        self.stale = settings.WORKER_STALE_SECONDS
        self.scheduler = Scheduler() if schedule else None
        self.stopping = threading.Event()
        # Since when this thread has reached the database without a break (monotonic).
        self.healthy_since: float | None = None

    def run(self):
        try:
            while not self.stopping.wait(self.every):
                self.tick()
        finally:
            _close_quietly()

    def stop(self):
        self.stopping.set()
        self.join(30)

    def tick(self):
        try:
            beat(self.worker_id)
            now = time.monotonic()
            if self.healthy_since is None:
                self.healthy_since = now
            # After the database was away, every heartbeat is as old as the outage:
            # reclaim only once we have been back long enough for every live worker
            # to have beaten again.
            if now - self.healthy_since >= self.stale:
                reclaim_stalled_tasks()
            if self.scheduler is not None:
                self.scheduler.tick()
        except DATABASE_ERRORS as error:
            if self.healthy_since is not None:
                logger.warning("Worker %s lost the database (%s); retrying", self.worker_id, error)
            self.healthy_since = None
            _close_quietly()
        except Exception:
            # A bug here must show, and must not stop the heartbeat.
            logger.exception("Worker %s housekeeping failed", self.worker_id)


class Worker(db_worker.Worker):
    """django-tasks-db's worker, which also beats, reclaims, reconnects and schedules."""

    def __init__(self, *, housekeeping: bool = True, schedule: bool = True, **options):
        super().__init__(**options)
        self.housekeeper = Housekeeper(self.worker_id, schedule=schedule) if housekeeping else None

    def run(self) -> None:
        if not wait_for_database(lambda: self.running):
            return
        if self.housekeeper is not None:
            beat(self.worker_id)  # before the first claim, so no task runs unseen
            self.housekeeper.start()
        try:
            while self.running:
                try:
                    return super().run()
                except DATABASE_ERRORS as error:
                    logger.warning(
                        "Worker %s lost the database (%s); waiting", self.worker_id, error
                    )
                    self.startup_delay = False
                    if wait_for_database(lambda: self.running):
                        self.requeue_own_tasks()
        finally:
            self._leave()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        # A database error while recording the task's end leaves super().run_task()
        # and reaches run() above, which waits and queues the task again.
        super().run_task(db_task_result)
        interrupted = (
            db_task_result.status == FAILED
            and db_task_result.exception_class_path in _NOT_THE_TASKS_FAULT
        )
        if not interrupted or len(db_task_result.worker_ids) >= MAX_CLAIMS:
            return
        # The database may still be away: wait for it, or the task would stay FAILED.
        while True:
            try:
                run_after = timezone.now() + DATABASE_RETRY_PAUSE
                _requeue(db_task_result, status=FAILED, run_after=run_after)
                break
            except DATABASE_ERRORS:
                if not wait_for_database(lambda: self.running):
                    raise
        logger.warning(
            "Task %s was interrupted (%s): queued again",
            db_task_result.pk, db_task_result.exception_class_path,
        )  # fmt: skip

    def requeue_own_tasks(self) -> list[str]:
        """Queue again what this worker claimed but is not running: a claim or an end
        whose answer was lost with the database. (The worker runs one task at a time,
        and runs none while it calls this.)"""
        requeued = []
        for task in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
            mine = task.worker_ids and task.worker_ids[-1] == self.worker_id
            if mine and _requeue(task, status=RUNNING):
                requeued.append(str(task.pk))
        if requeued:
            logger.warning("Worker %s queued again its unfinished %s", self.worker_id, requeued)
        return requeued

    def _leave(self):
        """On the way out: stop beating, give back an interrupted task, say goodbye."""
        if self.housekeeper is not None and self.housekeeper.is_alive():
            self.housekeeper.stop()
        try:
            self.requeue_own_tasks()
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DATABASE_ERRORS:
            pass  # the others will find this worker stale and reclaim its task
