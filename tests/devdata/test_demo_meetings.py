"""devdata.meetings.seed_meetings on top of seed_demo's networks and accounts."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from devdata.meetings import seed_meetings
from meetings.models import Meeting, MeetingSeries, Paper, Registration
from members.models import User
from networks.models import Network

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", password="headnet-demo", force=True, stdout=io.StringIO())
    networks = {network.slug: network for network in Network.objects.all()}
    accounts = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    seed_meetings(networks, accounts, log=lambda message: None)
    return networks


def test_each_network_meets_in_its_own_rhythm():
    networks = _seed()
    by = {slug: Meeting.objects.filter(network=networks[slug]) for slug in networks}

    assert by["oxfordshire-primary-heads"].filter(format="online").count() == 6
    assert by["osshta"].filter(kind="network_meeting").count() == 2
    assert by["osshta"].filter(kind="conference").count() == 1
    assert by["osshta"].filter(kind="urgent").count() == 1
    oassh = by["oassh"].filter(kind="network_meeting").order_by("starts_at")
    assert oassh.count() == 6
    assert len({meeting.venue_school_id for meeting in oassh}) > 1  # rotating schools
    assert by["oassh"].filter(kind="conference", starts_at__month=11).count() == 1
    briefings = by["educational-briefings"]
    assert briefings.count() == 9
    assert MeetingSeries.objects.filter(rule="sessions").count() == 3
    assert by["heads-up"].filter(kind="network_call").count() > 20
    assert Meeting.objects.filter(workhub__network=networks["oldham-schools-alliance"]).exists()
    assert Meeting.objects.filter(state="cancelled").exists()
    full = Meeting.objects.get(capacity=3)
    assert full.registrations.filter(status="going").count() == 3
    assert full.registrations.filter(status="waiting").count() == 1
    past = Meeting.objects.filter(ends_at__lt=timezone.now(), state="published")
    if past.exists():
        assert Paper.objects.filter(kind="minutes", meeting__in=past).exists()
    assert Registration.objects.filter(person__email="primary.head@example.org").exists()


def test_seeding_twice_changes_nothing():
    _seed()
    counts = (Meeting.objects.count(), Registration.objects.count(), Paper.objects.count())
    _seed()
    assert (Meeting.objects.count(), Registration.objects.count(), Paper.objects.count()) == counts
