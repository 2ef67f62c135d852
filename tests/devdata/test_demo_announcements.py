"""seed_demo's announcements (issue 22): a few in OSSHTA, OPHN and the Oldham Schools
Alliance, a draft for OSSHTA's coordinator, one digest subscriber; and nobody emailed."""

import datetime
import io
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from announcements import digest
from announcements.models import Announcement, Delivery
from announcements.sending import delivery_counts
from members.models import User
from networks.models import EmailPreference

pytestmark = pytest.mark.django_db

NETWORKS = ["osshta", "oxfordshire-primary-heads", "oldham-schools-alliance"]
State, Status = Announcement.State, Delivery.Status


def _seed():
    call_command("seed_demo", password="headnet-demo", force=True, stdout=io.StringIO())


@pytest.fixture
def demo(demo_seeded):
    """The demo, seeded once for the module (tests/devdata/conftest.py)."""


def _sent():
    return Announcement.objects.filter(state=State.SENT).select_related("network", "author")


def test_osshta_ophn_and_the_oldham_alliance_have_announcements_of_the_past_weeks(demo):
    by_network = Counter(announcement.network.slug for announcement in _sent())
    now = timezone.now()

    assert set(by_network) == set(NETWORKS)
    assert all(count >= 2 for count in by_network.values())
    for announcement in _sent():
        assert now - datetime.timedelta(weeks=5) < announcement.sent_at < now
        # On a weekday, as a network sends them.
        assert timezone.localtime(announcement.sent_at).weekday() < 5
    alliance = _sent().filter(network__slug="oldham-schools-alliance")
    assert alliance.filter(is_urgent=True).count() == 1
    to_workhub = alliance.get(audience=Announcement.Audience.WORKHUB)
    assert to_workhub.workhub.name == "SEND"
    assert to_workhub.author.email == "oldham.head@example.org"  # the workhub's lead


def test_each_was_sent_by_someone_who_may_write_it_within_the_limits(demo, settings):
    for announcement in _sent():
        membership = announcement.network.memberships.active().get(person=announcement.author)
        if announcement.audience != Announcement.Audience.WORKHUB:
            assert membership.role in ("coordinator", "administrator")
    days = [
        (announcement.network_id, timezone.localdate(announcement.sent_at))
        for announcement in _sent()
    ]
    senders = [
        (announcement.author_id, timezone.localdate(announcement.sent_at))
        for announcement in _sent()
    ]
    urgent = [
        (announcement.network_id, timezone.localdate(announcement.sent_at).replace(day=1))
        for announcement in _sent().filter(is_urgent=True)
    ]
    assert max(Counter(days).values()) <= settings.ANNOUNCEMENTS_PER_NETWORK_PER_DAY
    assert max(Counter(senders).values()) <= settings.ANNOUNCEMENTS_PER_SENDER_PER_DAY
    assert max(Counter(urgent).values()) <= settings.URGENT_ANNOUNCEMENTS_PER_MONTH


def test_seeding_emails_nobody_yet_records_each_announcement_as_sent_to_its_audience(
    debug_seed_output,
):
    assert mail.outbox == []
    for announcement in _sent():
        counts = delivery_counts(announcement)
        assert counts["sent"] > 0
        assert counts["queued"] == counts["failed"] == 0
        assert announcement.fanned_out_at is not None
    assert not Delivery.objects.filter(status=Status.SENT, sent_at__isnull=True).exists()


@pytest.fixture
def debug_seed_output(settings, django_capture_on_commit_callbacks):
    """seed_demo as `make run` runs it: DEBUG on, tasks run at once, and what waits for
    its transaction to commit run too (the test's own transaction never commits)."""
    settings.DEBUG = True
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())


def test_a_draft_waits_for_osshta_s_coordinator_on_the_announcements_page(demo, client):
    draft = Announcement.objects.get(network__slug="osshta", state=State.DRAFT)
    assert draft.author.email == "coordinator@example.org"

    client.force_login(User.objects.get(email="coordinator@example.org"))
    page = client.get(reverse("announcements:archive", args=["osshta"])).content.decode()

    assert draft.subject in page
    assert "School places consultation: your views by the end of term" in page


def test_a_member_reads_the_network_s_announcements_but_never_the_draft(demo, client):
    client.force_login(User.objects.get(email="secondary.head@example.org"))
    page = client.get(reverse("announcements:archive", args=["osshta"])).content.decode()

    assert "Fees for " in page
    assert "School places consultation: your views by the end of term" in page
    assert "call for workshop leaders" not in page


def test_primary_head_takes_ophn_s_announcements_in_a_weekly_digest(demo):
    person = User.objects.get(email="primary.head@example.org")
    preference = EmailPreference.objects.get(person=person)
    assert preference.network.slug == "oxfordshire-primary-heads"
    assert preference.choice == EmailPreference.Choice.DIGEST
    held = Delivery.objects.filter(person=person)
    # OPHN's two announcements, and its representative's report back (devdata.voice).
    assert held.count() == 3
    assert set(held.values_list("status", flat=True)) == {Status.DIGEST}

    # The week just ended has one of them: her digest brings it, once.
    mail.outbox.clear()
    run = digest.send_weekly_digests()
    assert run.sent == 1
    [message] = mail.outbox
    assert message.to == [person.email]
    assert "SATs moderation briefing slides now on the site" in message.body


def test_seeding_again_sends_and_writes_nothing_more(demo, django_capture_on_commit_callbacks):
    before = (
        Announcement.objects.count(),
        Delivery.objects.count(),
        EmailPreference.objects.count(),
    )
    sent_at = dict(Announcement.objects.values_list("pk", "sent_at"))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _seed()

    assert before == (
        Announcement.objects.count(),
        Delivery.objects.count(),
        EmailPreference.objects.count(),
    )
    assert dict(Announcement.objects.values_list("pk", "sent_at")) == sent_at
    assert mail.outbox == []
