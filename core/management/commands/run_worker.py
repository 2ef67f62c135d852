import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from core.worker import Worker


class Command(db_worker.Command):
    help = (
        "Run the task worker: django-tasks-db's db_worker, which also writes a heartbeat, "
        "queues again the tasks of workers that died, waits out a database restart, and "
        "runs the periodic commands (PERIODIC_COMMANDS), each once per period however many "
        "workers run. Run one per app server; no supervisor or cron is needed."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler",
            action="store_false",
            dest="schedule",
            help="Do not run the periodic commands from this worker.",
        )

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, schedule, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded_queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            schedule=schedule and not options["batch"],
        )
        if reload and not options["batch"]:
            # Development only: the child process the reloader starts runs the worker.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
