import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from fees import services
from tests import factories

from .conftest import seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_invoice(fee_network, administrator):
    seat(fee_network, email="head.one@school.example")
    return services.raise_invoices(network=fee_network, by=administrator).raised[0]


def _later(days: int):
    return time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days))


def test_a_reminder_reaches_the_schools_current_head_once_per_interval(due_invoice, capsys):
    assert [message.subject for message in mail.outbox] == [
        f"[Headnet] {due_invoice.network.label}: invoice {due_invoice.reference} for "
        f"{due_invoice.school.name}'s fee, {due_invoice.year_label}"
    ]  # the invoice itself, when it was raised
    mail.outbox.clear()

    call_command("send_fee_reminders")  # the invoice was sent today: no reminder yet
    assert mail.outbox == []

    with _later(29):
        call_command("send_fee_reminders")
        call_command("send_fee_reminders")
    assert [message.to for message in mail.outbox] == [["head.one@school.example"]]
    assert due_invoice.reference in mail.outbox[0].body
    assert "due" in mail.outbox[0].subject
    [(filename, content, mimetype)] = mail.outbox[0].attachments
    assert (filename, mimetype) == (f"{due_invoice.reference}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")

    with _later(29 + 29):
        call_command("send_fee_reminders")
    assert len(mail.outbox) == 2


def test_paid_invoices_are_not_reminded(due_invoice, administrator):
    services.mark_paid(invoice=due_invoice, paid_on=timezone.localdate(), by=administrator)
    mail.outbox.clear()

    with _later(29):
        assert services.send_reminders() == 0
    assert mail.outbox == []


def test_the_reminder_goes_to_whoever_leads_the_school_now(fee_network, due_invoice):
    school = due_invoice.school
    old = school.posts.get()
    old.ended_on = timezone.localdate() - datetime.timedelta(days=1)
    old.save()
    factories.make_head(school=school, email="new.head@school.example")
    mail.outbox.clear()

    with _later(29):
        services.send_reminders()

    assert [message.to for message in mail.outbox] == [["new.head@school.example"]]
