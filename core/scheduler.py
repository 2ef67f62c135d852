"""The periodic commands, run once per period by whichever worker gets there first.

Every `run_worker` runs this scheduler (core.worker), so the deployment needs no
cron and nothing else to start. The commands are named in settings
(PERIODIC_COMMANDS), where the apps are wired together: core names no app above it.

A period's start is its slot. When a slot comes due, a scheduler inserts a
PeriodicRun row for (command, slot) and queues the command as a task, in one
transaction; the unique pair means only one scheduler wins, however many run at
once, and the loser finds the row and moves on. The command then runs on any
worker, like any task, so a worker that dies running it is replaced by another
(every periodic command is safe to run twice). Slots missed while no worker ran
are not made up one by one: the next tick queues the current slot, once.
"""

import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from .models import PeriodicRun

logger = logging.getLogger(__name__)

# Email waits for nothing: a periodic command runs after the email queued before it.
PERIODIC_PRIORITY = -10
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# A weekly job's day, as settings name it ("monday 07:00"); Monday is 0, as in date.weekday().
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Job:
    """A command and when it runs: daily at a time of day, weekly on a day (`weekday`,
    Monday 0) at a time of day, or every so many minutes."""

    command: str
    daily_at: time | None = None
    every_minutes: int | None = None
    weekday: int | None = None

    def slot(self, now: datetime) -> datetime:
        """The start of the period `now` falls in."""
        if self.daily_at is not None:
            # A time of day is local time (TIME_ZONE), so "07:00" stays 07:00 in summer.
            day = timezone.localtime(now).date()
            period = timedelta(days=1)
            if self.weekday is not None:
                # This week's day (it may be still to come: then last week's is the slot).
                day -= timedelta(days=day.weekday() - self.weekday)
                period = timedelta(days=7)
            start = timezone.make_aware(datetime.combine(day, self.daily_at))
            if start > now:
                start = timezone.make_aware(datetime.combine(day - period, self.daily_at))
            return start
        if self.every_minutes is None:
            raise ValueError(f"{self.command}: say daily_at, weekly_at or every_minutes")
        period = timedelta(minutes=self.every_minutes)
        return EPOCH + (now - EPOCH) // period * period


def jobs() -> list[Job]:
    """The schedule in settings.PERIODIC_COMMANDS, checked."""
    found = []
    for command, when in settings.PERIODIC_COMMANDS.items():
        daily_at, every_minutes = when.get("daily_at"), when.get("every_minutes")
        weekly = _weekly(when.get("weekly_at"))
        if isinstance(daily_at, str):
            found.append(Job(command, daily_at=time.fromisoformat(daily_at)))
        elif weekly is not None:
            found.append(Job(command, daily_at=weekly[1], weekday=weekly[0]))
        elif isinstance(every_minutes, int) and every_minutes > 0:
            found.append(Job(command, every_minutes=every_minutes))
        else:
            raise ValueError(
                f"{command}: say daily_at 'HH:MM', weekly_at 'monday HH:MM' or every_minutes N"
            )
    return found


def _weekly(weekly_at: object) -> tuple[int, time] | None:
    """A weekly_at such as "monday 07:00" as (0, 07:00); None for anything else."""
    if not isinstance(weekly_at, str):
        return None
    day, _, at = weekly_at.strip().lower().partition(" ")
    if day not in WEEKDAYS:
        return None
    try:
        return WEEKDAYS.index(day), time.fromisoformat(at.strip())
    except ValueError:
        return None


def queue_if_due(job: Job, now: datetime) -> bool:
    """Queue the job for the slot `now` falls in unless a scheduler already has; True
    when this call queued it."""
    slot = job.slot(now)
    # Read first: a scheduler mostly finds the slot taken, and an insert that fails
    # would write an error into PostgreSQL's log every tick.
    if PeriodicRun.objects.filter(command=job.command, slot=slot).exists():
        return False
    try:
        with transaction.atomic():
            run = PeriodicRun.objects.create(command=job.command, slot=slot)
            result = run_periodic.using(priority=PERIODIC_PRIORITY).enqueue(
                command=job.command, slot=slot.isoformat()
            )
            run.task_id = str(result.id)
            run.save(update_fields=["task_id"])
    except IntegrityError:
        return False  # another scheduler queued this slot a moment ago
    logger.info("Queued %s for %s", job.command, slot.isoformat())
    return True


class Scheduler:
    """Queues each job once per slot; remembers the slots it has seen taken, so a tick
    between two slots asks the database nothing."""

    def __init__(self, schedule: list[Job] | None = None):
        self.schedule = jobs() if schedule is None else schedule
        self.seen: dict[str, datetime] = {}

    def tick(self, now: datetime | None = None) -> list[str]:
        """Queue every job whose slot has come; the commands this tick queued."""
        now = now or timezone.now()
        queued = []
        for job in self.schedule:
            slot = job.slot(now)
            if self.seen.get(job.command) == slot:
                continue
            if queue_if_due(job, now):
                queued.append(job.command)
            self.seen[job.command] = slot
        return queued


@task()
def run_periodic(*, command: str, slot: str) -> str:
    """Run one periodic command; its output is kept as the task's result."""
    # Only the schedule's commands: a task row naming any other is refused.
    if command not in settings.PERIODIC_COMMANDS:
        raise ValueError(f"{command} is not a periodic command")
    output = io.StringIO()
    call_command(command, stdout=output)
    logger.info("Ran %s for %s", command, slot)
    return output.getvalue()[-2000:]
