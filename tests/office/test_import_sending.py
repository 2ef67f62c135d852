"""Invitations in bulk go out over time: within each network's hourly allowance (above the
one-by-one invitations' own limit), each once however many runs overlap, reminded once a
week on, never to an address mail no longer reaches; a spreadsheet's rows are kept only
so long (docs/rules.md, "Bringing in a member spreadsheet")."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.scheduler import jobs
from members import suppression
from networks import services
from networks.models import ImportBatch, Invitation
from networks.views import INVITE_LIMIT_PER_NETWORK
from portal.services import close_account, personal_data
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _import(network, by, count, *, prefix="person"):
    rows = [[f"Person {n}", f"{prefix}{n}@school.example"] for n in range(count)]
    batch = services.start_import(
        network=network, by=by, headers=["Name", "Email"], cells=rows,
        lines=list(range(2, count + 2)), columns={"name": 0, "email": 1},
    )  # fmt: skip
    services.set_columns(batch=batch, by=by, columns={"name": 0, "email": 1})
    return services.confirm_import(batch=batch, by=by)


def _sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def _run(command="send_invitations"):
    call_command(command, stdout=StringIO())


@time_machine.travel(MONDAY, tick=False)
def test_invitations_go_within_the_hourly_allowance_and_the_rest_wait(
    network, administrator, settings
):
    settings.IMPORT_INVITATIONS_PER_HOUR = 3

    _import(network, administrator, 5)

    assert len(mail.outbox) == 3  # the first at once
    assert Invitation.objects.filter(sent_at__isnull=True).count() == 2
    _run()
    assert len(mail.outbox) == 3  # still within the hour
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=61), tick=False):
        _run()
        _run()  # a second run in the same slot sends nothing twice
    assert len(mail.outbox) == 5
    assert _sent_to() == [f"person{n}@school.example" for n in range(5)]
    assert not Invitation.objects.filter(sent_at__isnull=True).exists()


def test_the_allowance_is_above_what_one_by_one_invitations_may_send(network):
    assert django_settings.IMPORT_INVITATIONS_PER_HOUR > INVITE_LIMIT_PER_NETWORK


@time_machine.travel(MONDAY, tick=False)
def test_each_network_has_its_own_allowance(
    network, other_network, administrator, outsider_administrator, settings
):
    settings.IMPORT_INVITATIONS_PER_HOUR = 2

    _import(network, administrator, 3, prefix="ours")
    _import(other_network, outsider_administrator, 3, prefix="theirs")

    assert len([m for m in mail.outbox if m.to[0].startswith("ours")]) == 2
    assert len([m for m in mail.outbox if m.to[0].startswith("theirs")]) == 2


@time_machine.travel(MONDAY, tick=False)
def test_an_address_mail_no_longer_reaches_is_not_sent_and_counts_as_bounced(
    client, network, administrator
):
    suppression.record_complaint("person1@school.example")
    batch = _import(network, administrator, 1)
    # Stopped after the rows were checked: the queue still holds it back.
    suppression.record_complaint("person0@school.example")
    Invitation.objects.filter(batch=batch).update(sent_at=None)
    mail.outbox.clear()

    _run()

    assert mail.outbox == []
    client.force_login(administrator)
    page = client.get(reverse("office:invitations", args=[network.slug])).content.decode()
    assert "<strong>0</strong> queued · <strong>1</strong> bounced" in page
    assert "<strong>Bounced:</strong> mail to this address no longer arrives" in page


def test_an_unanswered_invitation_is_reminded_once_a_week_on(network, administrator):
    with time_machine.travel(MONDAY, tick=False):
        _import(network, administrator, 2)
    accepted = Invitation.objects.get(email="person1@school.example")
    services.accept_invitation(person=factories.make_user(email=accepted.email), network=network)
    mail.outbox.clear()

    with time_machine.travel(MONDAY + datetime.timedelta(days=6), tick=False):
        _run()
    assert mail.outbox == []  # not yet a week
    with time_machine.travel(MONDAY + datetime.timedelta(days=7, minutes=1), tick=False):
        _run()
        _run()
    with time_machine.travel(MONDAY + datetime.timedelta(days=21), tick=False):
        _run()

    assert _sent_to() == ["person0@school.example"]  # once, and not to who accepted
    (reminder,) = mail.outbox
    assert reminder.subject.endswith(
        "A reminder: you are invited to join Oxfordshire Primary Heads"
    )
    assert "This is the only reminder we will send." in reminder.body
    assert Invitation.objects.get(email="person0@school.example").reminded_at is not None


def test_invitations_from_before_the_queue_are_neither_sent_again_nor_reminded(network):
    """The migration marks them sent (and reminded): they were emailed when made."""
    old = Invitation.objects.create(network=network, email="old@school.example")
    Invitation.objects.filter(pk=old.pk).update(sent_at=old.created_at, reminded_at=old.created_at)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=30), tick=False):
        _run()

    assert mail.outbox == []


def test_one_by_one_invitations_go_at_once_and_are_not_queued(network, administrator):
    invitation = services.invite(network=network, email="one@school.example", by=administrator)

    assert invitation.sent_at is not None
    assert _sent_to() == ["one@school.example"]


def test_a_spreadsheet_s_rows_are_kept_only_so_long_and_its_invitations_stay(
    client, network, administrator, settings
):
    settings.IMPORT_BATCH_RETENTION_DAYS = 14
    with time_machine.travel(MONDAY, tick=False):
        confirmed = _import(network, administrator, 2)
        draft = services.start_import(
            network=network, by=administrator, headers=["Email"], cells=[["x@school.example"]],
            lines=[2], columns={"email": 0},
        )  # fmt: skip
    recent = services.start_import(
        network=network, by=administrator, headers=["Email"], cells=[["y@school.example"]],
        lines=[2], columns={"email": 0},
    )  # fmt: skip

    with time_machine.travel(MONDAY + datetime.timedelta(days=15), tick=False):
        _run("prune_import_batches")
        _run("prune_import_batches")

    assert not ImportBatch.objects.filter(pk=draft.pk).exists()
    assert ImportBatch.objects.filter(pk=recent.pk).exists()
    confirmed.refresh_from_db()
    assert confirmed.cells == [] and confirmed.rows == []
    assert confirmed.invitations.count() == 2
    client.force_login(administrator)
    report = client.get(
        reverse("office:import_preview", args=[network.slug, confirmed.pk])
    ).content.decode()
    assert "<strong>2</strong> waiting" in report
    assert "were deleted 14 days after it came in" in report


def test_the_periodic_commands_send_every_few_minutes_and_prune_daily():
    scheduled = {job.command: job for job in jobs()}

    assert scheduled["send_invitations"].every_minutes <= 15
    assert scheduled["prune_import_batches"].daily_at is not None


def test_closing_an_account_takes_the_person_s_row_out_of_the_spreadsheets_still_kept(
    network, administrator
):
    rows = [["Ann", "ann@school.example"], ["Bob", "bob@school.example"]]
    batch = services.start_import(
        network=network, by=administrator, headers=["Name", "Email"], cells=rows,
        lines=[2, 3], columns={"name": 0, "email": 1},
    )  # fmt: skip
    services.set_columns(batch=batch, by=administrator, columns={"name": 0, "email": 1})
    ann = factories.make_user(email="ann@school.example")
    Invitation.objects.create(network=network, email=ann.email, name="Ann", role="headteacher")
    assert personal_data(ann)["invitations"][0]["name_given"] == "Ann"

    close_account(person=ann)

    batch.refresh_from_db()
    assert batch.cells == [["Bob", "bob@school.example"]]
    assert batch.lines == [3]
    assert [row["email"] for row in batch.rows] == ["bob@school.example"]
    assert not Invitation.objects.filter(email="ann@school.example").exists()
