"""A workhub's meetings: on its page, in its members' schedules (and only theirs), and
planned by its leads."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import access, schedule, services
from meetings.models import Meeting
from networks import access as network_access
from networks.models import WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(network):
    return factories.make_workhub(network=network, name="SEND")


@pytest.fixture
def finance(network):
    return factories.make_workhub(network=network, name="Finance")


def _form(day_offset=12, **fields):
    day = timezone.localdate() + datetime.timedelta(days=day_offset)
    return {
        "title": "SEND workhub planning", "kind": "workshop",
        "starts_at": f"{day:%Y-%m-%d}T15:30", "ends_at": f"{day:%Y-%m-%d}T17:00",
        "format": "in_person", "venue_address": "Cherwell School, Oxford",
        "audience": "members", "registration_required": "on",
    } | fields  # fmt: skip


def test_me_lists_my_workhub_s_meetings_not_every_workhub_s(client, network, member, send, finance):
    WorkhubMembership.objects.create(workhub=send, person=member)
    ours = factories.make_meeting(network=network, workhub=send, title="SEND workhub session")
    theirs = factories.make_meeting(network=network, workhub=finance, title="Finance workhub")
    whole = factories.make_meeting(network=network, title="Whole network meeting")

    mine = schedule.personal_meetings(member)
    assert set(mine) == {ours, whole}
    client.force_login(member)
    for url in (reverse("me"), reverse("meetings:my_schedule")):
        page = client.get(url).content.decode()
        assert "SEND workhub session" in page and "Whole network meeting" in page
        assert "Finance workhub" not in page, url
    feed = services.calendar_feed_for(member)
    ics = client.get(reverse("meetings:personal_feed", args=[feed.token])).content.decode()
    assert "SEND workhub session" in ics and "Finance workhub" not in ics
    assert theirs.pk  # still on the network's schedule
    schedule_page = client.get(reverse("meetings:network_schedule", args=[network.slug]))
    assert "Finance workhub" in schedule_page.content.decode()


def test_a_registration_still_brings_another_workhub_s_meeting(network, member, finance):
    theirs = factories.make_meeting(network=network, workhub=finance, title="Finance workhub")
    factories.make_registration(meeting=theirs, person=member)
    assert theirs in schedule.personal_meetings(member)


def test_the_workhub_page_lists_its_meetings_by_the_rule(client, network, member, head, send):
    factories.make_meeting(network=network, workhub=send, title="SEND members' session")
    factories.make_meeting(
        network=network, workhub=send, title="SEND open clinic", audience="public"
    )
    factories.make_meeting(network=network, workhub=send, title="SEND draft", state="draft")
    factories.make_meeting(network=network, title="Not the workhub's")
    url = send.get_absolute_url()

    client.force_login(member)
    page = client.get(url).content.decode()
    assert "SEND members&#x27; session" in page and "SEND open clinic" in page
    assert "SEND draft" not in page and "Not the workhub" not in page

    client.force_login(head)  # not a member: the public one only
    page = client.get(url).content.decode()
    assert "SEND open clinic" in page and "SEND members" not in page


def test_a_lead_plans_a_meeting_for_the_workhub_and_members_are_told(client, network, member, send):
    lead = factories.make_head(email="lead@school.example")
    factories.make_membership(person=lead, network=network)
    WorkhubMembership.objects.create(workhub=send, person=lead, is_lead=True)
    client.force_login(lead)
    page = client.get(send.get_absolute_url()).content.decode()
    assert "Plan a meeting for this workhub" in page
    url = reverse("meetings:workhub_create", args=[network.slug, send.slug])
    assert client.get(url).status_code == 200

    response = client.post(url, _form())

    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.workhub == send and meeting.is_published and meeting.created_by == lead
    assert sorted(message.to[0] for message in mail.outbox) == sorted([lead.email, member.email])
    assert "SEND workhub planning" in client.get(send.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["member_not_lead", "lead_of_another", "lapsed_lead", "head"])
def test_only_the_workhub_s_leads_may_plan_for_it(client, network, send, finance, who):
    person = factories.make_head(email=f"{who}@school.example")
    status = "lapsed" if who == "lapsed_lead" else "active"
    if who != "head":
        factories.make_membership(person=person, network=network, status=status)
    if who == "lead_of_another":
        WorkhubMembership.objects.create(workhub=finance, person=person, is_lead=True)
    elif who == "lapsed_lead":
        WorkhubMembership.objects.create(workhub=send, person=person, is_lead=True)
    client.force_login(person)
    url = reverse("meetings:workhub_create", args=[network.slug, send.slug])

    assert client.get(url).status_code == 403
    assert client.post(url, _form()).status_code == 403
    assert (
        "Plan a meeting for this workhub"
        not in client.get(send.get_absolute_url()).content.decode()
    )
    assert not Meeting.objects.exists()


def test_a_lead_of_last_year_s_workhub_may_not_plan(network, member):
    old = factories.make_workhub(network=network, name="Old", academic_year=2001)
    WorkhubMembership.objects.create(workhub=old, person=member, is_lead=True)
    perms = network_access.for_network(member, network)
    assert not access.can_plan_for_workhub(perms, old, access.leads(member, old))


def test_a_coordinator_may_plan_for_any_workhub(client, network, coordinator, send):
    client.force_login(coordinator)
    assert "Plan a meeting for this workhub" in client.get(send.get_absolute_url()).content.decode()
    url = reverse("meetings:workhub_create", args=[network.slug, send.slug])
    assert client.post(url, _form()).status_code == 302
    assert Meeting.objects.get().workhub == send
