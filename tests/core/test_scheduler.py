"""The periodic commands: each once per period, however many workers schedule them
(core.scheduler)."""

import threading
from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command, get_commands
from django.db import connection
from django_tasks_db.models import DBTaskResult

from core.models import PeriodicRun
from core.scheduler import Job, Scheduler, jobs, queue_if_due, run_periodic

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LONDON_SUMMER = datetime(2026, 7, 1, 5, 30, tzinfo=UTC)  # 06:30 in London
LONDON_WINTER = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)  # 06:30 in London


def test_every_periodic_command_is_a_command():
    commands = get_commands()
    assert [name for name in django_settings.PERIODIC_COMMANDS if name not in commands] == []


def test_the_daily_and_hourly_commands_are_all_scheduled():
    scheduled = {job.command: job for job in jobs()}

    for daily in (
        "reconcile_memberships",
        "prune_tasks",
        "send_meeting_reminders",
        "delete_closed_support_requests",
        "send_mentoring_check_ins",
        "send_fee_reminders",
        "prune_deliveries",
        "prune_import_batches",
    ):
        assert scheduled[daily].daily_at is not None, daily
    assert scheduled["send_weekly_digest"].weekday == 0  # Monday morning
    assert scheduled["send_weekly_digest"].daily_at == time(7, 0)
    assert scheduled["tell_story_moderators"].every_minutes == 60
    # A scheduled announcement goes within a minute of its time.
    assert scheduled["send_due_announcements"].every_minutes == 1
    assert scheduled["send_unsent_contact_messages"].every_minutes <= 15
    # Invitations in bulk go a slice at a time, within each network's hourly allowance.
    assert scheduled["send_invitations"].every_minutes <= 15


def test_a_daily_slot_is_at_its_local_time_of_day_in_summer_and_winter():
    reminders = Job("send_meeting_reminders", daily_at=time(7, 0))

    # 06:30 local: today's 07:00 has not come, so the slot is yesterday's.
    assert reminders.slot(LONDON_SUMMER) == datetime(2026, 6, 30, 6, 0, tzinfo=UTC)
    assert reminders.slot(LONDON_WINTER) == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    # From 07:00 local it is today's, all day.
    assert reminders.slot(LONDON_SUMMER + timedelta(minutes=30)) == datetime(
        2026, 7, 1, 6, 0, tzinfo=UTC
    )
    assert reminders.slot(LONDON_SUMMER + timedelta(hours=17)) == datetime(
        2026, 7, 1, 6, 0, tzinfo=UTC
    )


def test_a_weekly_slot_is_its_day_at_its_local_time_in_summer_and_winter():
    digest = Job("send_weekly_digest", daily_at=time(7, 0), weekday=0)

    # Wednesday 06:30 local: the slot is this week's Monday 07:00 local.
    assert digest.slot(LONDON_SUMMER) == datetime(2026, 6, 29, 6, 0, tzinfo=UTC)
    assert digest.slot(LONDON_WINTER) == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    # Until Monday 07:00 local it is still last Monday's, then the new one's all week.
    next_monday = datetime(2026, 7, 6, 6, 0, tzinfo=UTC)  # 07:00 in London
    assert digest.slot(next_monday - timedelta(minutes=1)) == datetime(
        2026, 6, 29, 6, 0, tzinfo=UTC
    )
    assert digest.slot(next_monday) == next_monday
    assert digest.slot(next_monday + timedelta(days=6, hours=23)) == next_monday
    # The Monday after the clocks go back (25 October 2026) is still at 07:00 local.
    assert digest.slot(datetime(2026, 10, 26, 9, 0, tzinfo=UTC)) == datetime(
        2026, 10, 26, 7, 0, tzinfo=UTC
    )


def test_a_weekly_slot_on_a_later_day_of_the_week(settings):
    settings.PERIODIC_COMMANDS = {"prune_tasks": {"weekly_at": "Friday 18:30"}}
    (job,) = jobs()

    assert job == Job("prune_tasks", daily_at=time(18, 30), weekday=4)
    # On the Wednesday the slot is the Friday before.
    assert job.slot(LONDON_SUMMER) == datetime(2026, 6, 26, 17, 30, tzinfo=UTC)


@pytest.mark.parametrize("weekly_at", ["funday 07:00", "monday", "monday 25:00", 7])
def test_a_weekly_entry_without_a_day_and_a_time_is_refused(settings, weekly_at):
    settings.PERIODIC_COMMANDS = {"prune_tasks": {"weekly_at": weekly_at}}

    with pytest.raises(ValueError, match="weekly_at 'monday HH:MM'"):
        jobs()


def test_a_slot_every_few_minutes_starts_on_the_period():
    sweep = Job("send_unsent_contact_messages", every_minutes=10)
    hourly = Job("tell_story_moderators", every_minutes=60)
    now = datetime(2026, 12, 1, 14, 37, 12, tzinfo=UTC)

    assert sweep.slot(now) == datetime(2026, 12, 1, 14, 30, tzinfo=UTC)
    assert hourly.slot(now) == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def test_a_schedule_entry_that_says_neither_is_refused(settings):
    settings.PERIODIC_COMMANDS = {"prune_tasks": {"every": "day"}}

    with pytest.raises(ValueError, match="daily_at"):
        jobs()


@pytest.mark.django_db
def test_each_job_is_queued_once_per_slot_then_again_in_the_next(settings):
    settings.TASKS = DATABASE_TASKS
    sweep = Job("send_unsent_contact_messages", every_minutes=10)
    now = datetime(2026, 12, 1, 14, 31, tzinfo=UTC)

    assert queue_if_due(sweep, now) is True
    assert queue_if_due(sweep, now + timedelta(minutes=8)) is False  # the same slot
    assert queue_if_due(sweep, now + timedelta(minutes=9)) is True  # 14:40's

    runs = list(PeriodicRun.objects.order_by("slot").values_list("slot", "task_id"))
    assert [slot for slot, _ in runs] == [
        datetime(2026, 12, 1, 14, 30, tzinfo=UTC),
        datetime(2026, 12, 1, 14, 40, tzinfo=UTC),
    ]
    tasks = DBTaskResult.objects.filter(task_path="core.scheduler.run_periodic")
    assert sorted(str(pk) for pk in tasks.values_list("pk", flat=True)) == sorted(
        task_id for _, task_id in runs
    )
    # Email queued at the same moment goes first.
    assert set(tasks.values_list("priority", flat=True)) == {-10}


@pytest.mark.django_db
def test_two_workers_scheduling_the_same_slot_queue_it_once(settings):
    settings.TASKS = DATABASE_TASKS
    first, second = Scheduler(), Scheduler()  # one in each app server's worker

    assert len(first.tick()) == len(django_settings.PERIODIC_COMMANDS)
    assert second.tick() == []

    assert PeriodicRun.objects.count() == len(django_settings.PERIODIC_COMMANDS)
    assert DBTaskResult.objects.count() == len(django_settings.PERIODIC_COMMANDS)


@pytest.mark.django_db
def test_a_tick_between_slots_asks_the_database_nothing(settings, django_assert_num_queries):
    settings.TASKS = DATABASE_TASKS
    scheduler = Scheduler()
    # Two ticks in one minute (the every-minute command's slot): given the time, so a
    # slow machine whose ticks straddle a minute does not make a new slot between them.
    now = datetime(2026, 12, 1, 10, 15, 20, tzinfo=UTC)
    scheduler.tick(now)

    with django_assert_num_queries(0):
        assert scheduler.tick(now + timedelta(seconds=30)) == []


@pytest.mark.django_db
def test_a_periodic_task_runs_its_command_and_keeps_what_it_said(settings):
    settings.TASKS = DATABASE_TASKS
    settings.TASK_RETENTION_DAYS = 7

    said = run_periodic.call(command="prune_tasks", slot="2026-12-01T03:30:00+00:00")

    assert said.startswith("Deleted 0 finished tasks and 0 unsent emails")


def test_a_periodic_task_runs_only_the_schedules_commands():
    with pytest.raises(ValueError, match="not a periodic command"):
        run_periodic.call(command="flush", slot="2026-12-01T03:30:00+00:00")


@pytest.mark.django_db
def test_prune_tasks_forgets_periodic_runs_older_than_the_retention(settings):
    settings.TASK_RETENTION_DAYS = 7
    sweep = Job("send_unsent_contact_messages", every_minutes=10)
    old = PeriodicRun.objects.create(command=sweep.command, slot=datetime(2026, 1, 1, tzinfo=UTC))
    PeriodicRun.objects.filter(pk=old.pk).update(queued_at=datetime(2026, 1, 1, tzinfo=UTC))
    recent = PeriodicRun.objects.create(command=sweep.command, slot=sweep.slot(datetime.now(UTC)))

    call_command("prune_tasks", stdout=StringIO())

    assert list(PeriodicRun.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers, so two schedulers cannot race; run with DATABASE_URL "
    "pointing at PostgreSQL",
)
def test_two_schedulers_at_the_same_moment_queue_each_slot_once(settings):
    """Two app servers' workers, released together at each of 12 slot boundaries."""
    settings.TASKS = DATABASE_TASKS
    schedule = [
        Job("send_unsent_contact_messages", every_minutes=10),
        Job("tell_story_moderators", every_minutes=60),
        Job("prune_tasks", daily_at=time(3, 30)),
    ]
    start = datetime(2026, 12, 1, 3, 25, tzinfo=UTC)
    moments = [start + timedelta(minutes=10 * n) for n in range(12)]
    barrier = threading.Barrier(2)
    queued, errors = [], []

    def scheduler_of_one_app_server():
        scheduler = Scheduler(schedule)
        try:
            for moment in moments:
                barrier.wait(timeout=10)
                queued.extend(scheduler.tick(moment))
        except Exception as error:  # the test reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler_of_one_app_server) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    expected = {(job.command, job.slot(moment)) for job in schedule for moment in moments}
    runs = list(PeriodicRun.objects.values_list("command", "slot"))
    assert sorted(runs) == sorted(expected)  # each slot once: the pair is unique
    assert len(queued) == len(expected)  # and each queued by exactly one of the two
    assert DBTaskResult.objects.count() == len(expected)
