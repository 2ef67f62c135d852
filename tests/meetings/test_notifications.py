"""Emails: one per person per publish, changes and cancellations, reminders once, retries."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from core.email import send_email
from core.models import OutgoingEmail
from meetings import services
from meetings.models import LONDON, Meeting, Registration
from meetings.series import SeriesSpec
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 18, 0, tzinfo=LONDON)


def _series(network):
    spec = SeriesSpec(
        rule="weekly", first_date=datetime.date(2026, 9, 10), start_time=datetime.time(16),
        end_time=datetime.time(17), until=datetime.date(2026, 12, 17),
    )  # fmt: skip
    return services.create_series(
        network=network, by=None, spec=spec, title="Weekly call", format="online",
        online_url="https://meet.example/weekly",
    )  # fmt: skip


def test_publishing_a_series_emails_each_member_once(network, member, coordinator):
    meetings = _series(network)
    assert len(meetings) > 5

    services.publish_meeting(meeting=meetings[0], whole_series=True)

    assert Meeting.objects.filter(state="published").count() == len(meetings)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, coordinator.email])
    assert f"{len(meetings)} new meetings" in mail.outbox[0].subject


def test_publishing_twice_sends_nothing_more(network, member):
    meeting = factories.make_meeting(network=network, state="draft")
    services.publish_meeting(meeting=meeting)
    services.publish_meeting(meeting=meeting)
    assert len(mail.outbox) == 1


def test_people_who_left_get_no_announcement(network, member):
    gone = factories.make_head()
    factories.make_membership(person=gone, network=network, status="left")
    services.publish_meeting(meeting=factories.make_meeting(network=network, state="draft"))
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_a_change_of_time_reaches_registered_people_only(network, member):
    # Open to any signed-in head: the non-members registered may see it.
    meeting = factories.make_meeting(network=network, audience=Meeting.Audience.SIGNED_IN)
    going = factories.make_head()
    waiting = factories.make_head()
    factories.make_registration(meeting=meeting, person=going)
    factories.make_registration(meeting=meeting, person=waiting, status="waiting")
    factories.make_registration(meeting=meeting, person=member, status="cancelled")

    later = meeting.starts_at + datetime.timedelta(hours=1)
    services.update_meeting(
        meeting=meeting,
        changes={"starts_at": later, "ends_at": later + datetime.timedelta(hours=1)},
    )

    assert sorted(m.to[0] for m in mail.outbox) == sorted([going.email, waiting.email])
    assert "Changed" in mail.outbox[0].subject


def test_a_change_to_the_agenda_alone_emails_nobody(network):
    meeting = factories.make_meeting(network=network)
    factories.make_registration(meeting=meeting, person=factories.make_head())
    services.update_meeting(meeting=meeting, changes={"agenda": "New item"})
    assert mail.outbox == []


def test_cancellation_reaches_registered_people(network):
    meeting = factories.make_meeting(network=network, audience=Meeting.Audience.SIGNED_IN)
    person = factories.make_head()
    factories.make_registration(meeting=meeting, person=person)
    services.cancel_meeting(meeting=meeting, reason="Snow")
    assert [m.to for m in mail.outbox] == [[person.email]]


def _tomorrow_meeting(network, **fields):
    """Open to any signed-in head, so the heads registered may see it."""
    starts = datetime.datetime(2026, 3, 11, 9, 30, tzinfo=LONDON)
    fields.setdefault("audience", Meeting.Audience.SIGNED_IN)
    return factories.make_meeting(network=network, starts_at=starts, **fields)


@time_machine.travel(NOW, tick=False)
def test_reminders_go_once_to_people_going_tomorrow(network):
    tomorrow = _tomorrow_meeting(network, format="online", online_url="https://meet.example/t")
    in_two_days = factories.make_meeting(
        network=network, starts_at=NOW + datetime.timedelta(days=2), audience="signed_in"
    )
    going, waiting, later = (factories.make_head() for _ in range(3))
    factories.make_registration(meeting=tomorrow, person=going)
    factories.make_registration(meeting=tomorrow, person=waiting, status="waiting")
    factories.make_registration(meeting=in_two_days, person=later)

    call_command("send_meeting_reminders", stdout=io.StringIO())
    call_command("send_meeting_reminders", stdout=io.StringIO())

    assert [m.to for m in mail.outbox] == [[going.email]]
    assert "https://meet.example/t" in mail.outbox[0].body
    assert Registration.objects.get(person=going).reminded_at is not None


@time_machine.travel(NOW, tick=False)
def test_no_reminder_for_a_cancelled_meeting(network):
    meeting = _tomorrow_meeting(network, state="cancelled")
    factories.make_registration(meeting=meeting, person=factories.make_head())
    assert services.send_reminders() == 0


@time_machine.travel(NOW, tick=False)
def test_with_the_mail_server_down_reminders_are_queued_again_not_lost(settings, network):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_backends.FailingBackend"}}
    meeting = _tomorrow_meeting(network)
    factories.make_registration(meeting=meeting, person=factories.make_head())

    assert services.send_reminders() == 1
    queued = DBTaskResult.objects.get()
    send_email.call(**queued.args_kwargs["kwargs"])  # the worker's first attempt fails

    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    waiting = OutgoingEmail.objects.get(pk=retry.args_kwargs["kwargs"]["email_id"])
    assert "Tomorrow" in waiting.subject
