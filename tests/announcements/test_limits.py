"""The limits on sending: a day's per sender and per network, a month's urgent ones per
network, each refused with a message saying when they can send again."""

import datetime
import threading
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from announcements import services
from announcements.models import Announcement
from core.models import AuditEvent
from networks.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
# A Tuesday in the middle of July, mid-morning in London.
NOON = datetime.datetime(2026, 7, 14, 11, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _tuesday():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def limits(settings):
    settings.ANNOUNCEMENTS_PER_SENDER_PER_DAY = 5
    settings.ANNOUNCEMENTS_PER_NETWORK_PER_DAY = 10
    settings.URGENT_ANNOUNCEMENTS_PER_MONTH = 2
    return settings


def _draft(network, author, **fields):
    values = {"subject": "Hello", "body": "News", "audience": "network"} | fields
    return services.save_draft(network=network, author=author, **values)


def _sent(network, author, when, **fields):
    return factories.make_sent_announcement(network=network, author=author, sent_at=when, **fields)


def test_a_sender_s_sixth_announcement_of_the_day_waits_until_tomorrow(
    network, coordinator, member, limits
):
    for hour in range(1, 6):
        _sent(network, coordinator, NOON.replace(hour=hour))
    # Yesterday's do not count.
    _sent(network, coordinator, NOON - datetime.timedelta(days=1))
    draft = _draft(network, coordinator)

    with pytest.raises(ValidationError) as refused:
        services.send_announcement(announcement=draft, by=coordinator)

    assert refused.value.messages == [
        "You already have 5 announcements sent or scheduled for today (Tuesday 14 July), "
        "the most one person may send in a day. You can send again from tomorrow "
        "(Wednesday 15 July): schedule this one for then or later."
    ]
    draft.refresh_from_db()
    assert draft.state == Announcement.State.DRAFT
    assert not AuditEvent.objects.filter(action="announcement.sent").exists()
    # Scheduled for tomorrow, it goes.
    tomorrow = NOON + datetime.timedelta(days=1)
    scheduled = services.send_announcement(announcement=draft, by=coordinator, send_at=tomorrow)
    assert scheduled.state == Announcement.State.SCHEDULED


def test_scheduled_announcements_count_on_the_day_they_go(network, coordinator, member, limits):
    thursday = NOON + datetime.timedelta(days=2)
    for minutes in range(5):
        factories.make_sent_announcement(
            network=network,
            author=coordinator,
            state="scheduled",
            send_at=thursday + datetime.timedelta(minutes=minutes),
        )
    draft = _draft(network, coordinator)
    with pytest.raises(ValidationError, match="for Thursday 16 July"):
        services.send_announcement(announcement=draft, by=coordinator, send_at=thursday)
    # Today has room.
    sent = services.send_announcement(announcement=draft, by=coordinator)
    assert sent.state == Announcement.State.SENDING


def test_the_limit_per_sender_counts_across_their_networks(
    network, other_network, coordinator, member, limits
):
    for hour in range(1, 6):
        _sent(other_network, coordinator, NOON.replace(hour=hour))
    with pytest.raises(ValidationError, match="the most one person may send in a day"):
        services.send_announcement(announcement=_draft(network, coordinator), by=coordinator)


def test_a_network_s_eleventh_announcement_of_the_day_is_refused(
    network, coordinator, administrator, member, limits
):
    others = [factories.make_head(email=f"writer{n}@school.example") for n in range(3)]
    for number in range(10):
        _sent(network, others[number % 3], NOON.replace(hour=1 + number))
    draft = _draft(network, coordinator)

    with pytest.raises(ValidationError) as refused:
        services.send_announcement(announcement=draft, by=coordinator)

    assert (
        f"{network.label} already has 10 announcements sent or scheduled for today"
        in (refused.value.messages[0])
    )
    assert "It can send again from tomorrow (Wednesday 15 July)" in refused.value.messages[0]


def test_a_network_s_third_urgent_announcement_of_the_month_waits_for_the_next(
    network, coordinator, member, limits
):
    _sent(network, coordinator, NOON.replace(day=1), is_urgent=True)
    _sent(network, coordinator, NOON.replace(day=2), is_urgent=True)
    # June's and a plain one do not count.
    _sent(network, coordinator, NOON.replace(month=6), is_urgent=True)
    _sent(network, coordinator, NOON.replace(day=3))
    urgent = _draft(network, coordinator, is_urgent=True)

    with pytest.raises(ValidationError) as refused:
        services.send_announcement(announcement=urgent, by=coordinator)

    message = refused.value.messages[0]
    assert message.startswith(
        f"{network.label} has already sent or scheduled 2 urgent announcements in July 2026"
    )
    assert "It can mark one urgent again from 1 August 2026" in message
    # Without the mark it goes.
    plain = services.update_draft(announcement=urgent, by=coordinator, is_urgent=False)
    assert services.send_announcement(announcement=plain, by=coordinator).sent_at is not None


def test_another_network_s_urgent_announcements_do_not_count(
    network, other_network, coordinator, member, limits
):
    for day in (1, 2):
        _sent(other_network, coordinator, NOON.replace(day=day), is_urgent=True)
    urgent = _draft(network, coordinator, is_urgent=True)
    assert services.send_announcement(announcement=urgent, by=coordinator).sent_at is not None


def test_the_limits_follow_the_settings(network, coordinator, member, settings):
    settings.ANNOUNCEMENTS_PER_SENDER_PER_DAY = 1
    _sent(network, coordinator, NOON.replace(hour=9))
    with pytest.raises(ValidationError, match="You already have 1 announcements"):
        services.send_announcement(announcement=_draft(network, coordinator), by=coordinator)


def test_the_sender_sees_the_limit_on_the_page_and_nothing_is_sent(
    client, network, coordinator, member, limits
):
    for hour in range(1, 6):
        _sent(network, coordinator, NOON.replace(hour=hour))
    draft = _draft(network, coordinator)
    client.force_login(coordinator)

    response = client.post(
        reverse("announcements:send", args=[network.slug, draft.pk]), {"when": "now"}, follow=True
    )

    assert "the most one person may send in a day" in response.content.decode()
    assert "You can send again from tomorrow" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == Announcement.State.DRAFT


def test_a_former_coordinator_s_old_announcements_still_count_for_the_network(
    network, coordinator, administrator, member, limits
):
    for number in range(10):
        _sent(network, coordinator, NOON.replace(hour=1 + number))
    Membership.objects.filter(person=coordinator).update(status="left")
    with pytest.raises(ValidationError, match="the most a network may send in a day"):
        services.send_announcement(announcement=_draft(network, administrator), by=administrator)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers, so two sends cannot race; run with DATABASE_URL "
    "pointing at PostgreSQL",
)
def test_two_sends_at_once_cannot_both_take_the_network_s_last_place(
    network, coordinator, administrator, member, limits
):
    for number in range(9):
        _sent(network, member, NOON.replace(hour=1 + number))
    drafts = {person: _draft(network, person) for person in (coordinator, administrator)}
    barrier = threading.Barrier(2)
    outcomes = []

    def send(person):
        try:
            barrier.wait(timeout=10)
            services.send_announcement(announcement=drafts[person], by=person)
            outcomes.append("sent")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(person,)) for person in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("sent") == 1
    refusal = next(outcome for outcome in outcomes if outcome != "sent")
    assert "the most a network may send in a day" in refusal
    assert Announcement.objects.filter(network=network, sent_at__isnull=False).count() == 10
