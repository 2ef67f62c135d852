"""run_worker on PostgreSQL, in real threads with their own connections: the worker
outlives the database going away (core.worker)."""

import threading
import time

import psycopg
import pytest
from django.core import mail
from django.db import connection
from django_tasks_db.models import DBTaskResult

from core.email import queue_email
from core.models import WorkerHeartbeat
from core.worker import Worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the database going away is PostgreSQL's pg_terminate_backend; run with "
        "DATABASE_URL pointing at PostgreSQL",
    ),
]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _wait_until(condition, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class _InAThread:
    """A worker running in a thread, as `run_worker` runs it in its process."""

    def __init__(self, worker):
        self.worker = worker
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            self.worker.run()
        except BaseException as error:  # the test reports it
            self.error = error
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.worker.running = False
        self.thread.join(30)


def _worker(worker_class, worker_id):
    options = {
        "queue_names": ["default"],
        "excluded_queue_names": [],
        "interval": 0.05,
        "batch": False,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": worker_id,
    }
    if worker_class is Worker:
        options["schedule"] = False
    return worker_class(**options)


def _database_away(seconds: float):
    """Every connection to the test database cut, and new ones refused for a while:
    what the worker sees of a PostgreSQL restart."""
    name = connection.settings_dict["NAME"]
    params = connection.get_connection_params()
    with psycopg.connect(
        host=params.get("host"), port=params.get("port"), user=params.get("user"),
        password=params.get("password"), dbname="postgres", autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            time.sleep(seconds)
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    connection.close()  # this test's own connection was cut too


def _send(subject):
    queue_email(subject=subject, body="...", to=["head@school.example"])


def _sent():
    return sorted(message.subject for message in mail.outbox)


def test_the_worker_carries_on_after_the_database_goes_away(settings):
    settings.TASKS = DATABASE_TASKS
    settings.WORKER_HEARTBEAT_SECONDS = 0.2
    with _InAThread(_worker(Worker, "survivor")) as running:
        _send("Before")
        assert _wait_until(lambda: _sent() == ["Before"])

        _database_away(seconds=1.5)
        seen_before = WorkerHeartbeat.objects.get(worker_id="survivor").seen_at
        _send("After")

        assert _wait_until(lambda: _sent() == ["After", "Before"])
        assert running.thread.is_alive() and running.error is None
        # It beats again, on its second connection.
        assert _wait_until(
            lambda: WorkerHeartbeat.objects.get(worker_id="survivor").seen_at > seen_before
        )
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
