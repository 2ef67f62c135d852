"""The periodic commands: reconcile_memberships and send_unsent_contact_messages."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from members.models import Post
from networks import services
from networks.models import ContactMessage, Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def _run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue().strip()


def _secondary_head(**fields):
    return factories.make_head(school=factories.make_school(sector="secondary"), **fields)


def test_reconcile_enrols_everyone_eligible_for_automatic_networks_and_lapses_the_rest():
    # People recorded before the automatic network existed (posts made directly,
    # as an import would) are enrolled by the command, not by add_post.
    eligible = [_secondary_head(), _secondary_head()]
    primary_head = factories.make_head()
    network = factories.make_network(
        sectors=["secondary"], join_policy=Network.JoinPolicy.AUTOMATIC
    )
    moved_on = factories.make_user()
    factories.make_post(
        person=moved_on, school=factories.make_school(sector="secondary"), ended_on=YESTERDAY
    )
    factories.make_membership(person=moved_on, network=network)

    assert _run("reconcile_memberships") == "2 enrolled, 1 lapsed"

    live = Membership.objects.live().filter(network=network)
    assert {membership.person for membership in live} == set(eligible)
    assert not Membership.objects.filter(person=primary_head).exists()
    assert Membership.objects.get(person=moved_on).status == Membership.Status.LAPSED


def test_reconcile_twice_changes_nothing_the_second_time():
    _secondary_head()
    factories.make_network(sectors=["secondary"], join_policy=Network.JoinPolicy.AUTOMATIC)
    _run("reconcile_memberships")

    assert _run("reconcile_memberships") == "0 enrolled, 0 lapsed"


def test_reconcile_keeps_coordinators_of_an_automatic_network_who_are_no_longer_eligible():
    network = factories.make_network(
        sectors=["secondary"], join_policy=Network.JoinPolicy.AUTOMATIC
    )
    coordinator = factories.make_user()
    factories.make_membership(person=coordinator, network=network, role="coordinator")

    _run("reconcile_memberships")

    assert Membership.objects.get(person=coordinator).status == Membership.Status.ACTIVE


def test_reconcile_passes_a_school_seat_to_the_head_who_started_today():
    network = factories.make_network(basis=Network.Basis.SCHOOL)
    school = factories.make_school()
    old_head = factories.make_user()
    old_post = factories.make_post(person=old_head, school=school)
    services.join_network(person=old_head, network=network)
    # Recorded ahead of time: yesterday's end and today's start take effect overnight.
    Post.objects.filter(pk=old_post.pk).update(ended_on=YESTERDAY)
    new_head = factories.make_user()
    factories.make_post(person=new_head, school=school, started_on=timezone.localdate())

    assert _run("reconcile_memberships") == "1 enrolled, 1 lapsed"

    seat = Membership.objects.live().get(network=network, school=school)
    assert seat.person == new_head


def _unsent_message(network, *, minutes_old: int) -> ContactMessage:
    contact = ContactMessage.objects.create(
        network=network,
        sender_name="A Parent",
        sender_email="parent@home.example",
        subject="Hello",
        message="A question.",
    )
    ContactMessage.objects.filter(pk=contact.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_old)
    )
    return contact


def test_unsent_contact_messages_are_sent_by_the_sweep(network, coordinator):
    old = _unsent_message(network, minutes_old=90)
    fresh = _unsent_message(network, minutes_old=0)  # its own task is still retrying it
    sent = _unsent_message(network, minutes_old=90)
    ContactMessage.objects.filter(pk=sent.pk).update(sent_at=timezone.now())

    assert _run("send_unsent_contact_messages") == "1 unsent contact message queued"

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.sent_at is not None
    assert fresh.sent_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [coordinator.email]


def test_the_sweep_can_take_every_unsent_message(network, coordinator):
    _unsent_message(network, minutes_old=0)
    _unsent_message(network, minutes_old=0)

    assert _run("send_unsent_contact_messages", "--older-than", "0") == (
        "2 unsent contact messages queued"
    )
    assert not ContactMessage.objects.filter(sent_at__isnull=True).exists()


def test_the_sweep_keeps_a_message_it_still_cannot_send(network, coordinator, settings):
    contact = _unsent_message(network, minutes_old=90)
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_backends.FailingBackend"}}

    _run("send_unsent_contact_messages")

    contact.refresh_from_db()
    assert contact.sent_at is None
    assert contact.send_attempts == 1
