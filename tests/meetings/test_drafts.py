"""A draft is seen by its network's coordinators only, until it is published, and a draft
that is thrown away is deleted: cancelling is for published meetings (issue 19, finding 4).

The attack: a coordinator "cancels" a draft that was never meant to be seen (the only
way offered to get rid of one); its title, agenda and online link then reached its
audience on every page and feed."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from meetings import services
from meetings.models import Meeting, MeetingSeries, Paper
from meetings.series import SeriesSpec
from tests import factories

pytestmark = pytest.mark.django_db

TITLE = "Restructure of the Oxford hub"
AGENDA = "Which posts go"
LINK = "https://meet.example/restructure"


@pytest.fixture
def draft(network):
    return factories.make_meeting(
        network=network, title=TITLE, agenda=AGENDA, state=Meeting.State.DRAFT,
        format=Meeting.Format.HYBRID, online_url=LINK, audience=Meeting.Audience.PUBLIC,
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )  # fmt: skip


def _everything_the_audience_reads(client, network, person) -> str:
    """Every page and feed that lists meetings, as the person (or a visitor) reads them."""
    client.logout()
    urls = [
        reverse("home"),
        reverse("meetings:list"),
        reverse("meetings:list") + "?view=month",
        reverse("networks:detail", args=[network.slug]),
        reverse("meetings:network_schedule", args=[network.slug]),
        reverse("meetings:network_feed", args=[network.slug]),
    ]
    text = "".join(client.get(url).content.decode() for url in urls)
    if person is None:
        return text
    feed = services.calendar_feed_for(person)
    text += client.get(reverse("meetings:personal_feed", args=[feed.token])).content.decode()
    client.force_login(person)
    text += "".join(client.get(url).content.decode() for url in [*urls, reverse("me")])
    return text


def test_cancelling_a_draft_through_its_page_shows_it_to_nobody(client, coordinator, member,
                                                                 network, draft):  # fmt: skip
    client.force_login(coordinator)

    response = client.post(reverse("meetings:cancel", args=[draft.pk]), {"reason": "Not now"})

    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.is_draft
    for person in (member, None):
        seen = _everything_the_audience_reads(client, network, person)
        assert TITLE not in seen and AGENDA not in seen and LINK not in seen
        assert client.get(draft.get_absolute_url()).status_code == 404
    assert mail.outbox == []


def test_the_cancel_service_refuses_a_draft(draft, coordinator):
    with pytest.raises(ValidationError, match="discard"):
        services.cancel_meeting(meeting=draft, reason="Not now", by=coordinator)

    draft.refresh_from_db()
    assert draft.is_draft and draft.cancel_reason == ""


def test_a_coordinator_discards_a_draft_and_it_is_gone_for_everyone(
    client, coordinator, administrator, member, network, draft, django_capture_on_commit_callbacks
):
    services.add_paper(
        meeting=draft, by=coordinator, kind="agenda",
        upload=SimpleUploadedFile("agenda.pdf", b"%PDF-1.4 agenda", "application/pdf"),
    )  # fmt: skip
    stored = Paper.objects.get().file
    client.force_login(coordinator)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert reverse("meetings:discard", args=[draft.pk]) in page
    assert reverse("meetings:cancel", args=[draft.pk]) not in page

    confirm = client.get(reverse("meetings:discard", args=[draft.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:discard", args=[draft.pk]))

    assert confirm.status_code == 200 and TITLE in confirm.content.decode()
    assert response["Location"] == reverse("meetings:network_schedule", args=[network.slug])
    assert not Meeting.objects.filter(pk=draft.pk).exists()
    assert not Paper.objects.exists()
    assert not stored.storage.exists(stored.name)
    event = AuditEvent.objects.get(action="meeting.discarded")
    assert event.actor == coordinator and event.network_id == network.pk
    assert TITLE in event.object_repr
    client.force_login(administrator)
    history = client.get(reverse("networks:history", args=[network.slug])).content.decode()
    assert "Draft discarded" in history and TITLE in history
    for person in (member, coordinator, None):
        assert TITLE not in _everything_the_audience_reads(client, network, person)
    assert mail.outbox == []


def test_discarding_refuses_a_published_meeting_which_is_cancelled_instead(
    client, coordinator, network
):
    meeting = factories.make_meeting(network=network, title="Summer conference")
    client.force_login(coordinator)

    response = client.post(reverse("meetings:discard", args=[meeting.pk]), follow=True)

    assert Meeting.objects.get(pk=meeting.pk).is_published
    assert "Only a draft can be discarded" in response.content.decode()
    with pytest.raises(ValidationError):
        services.discard_draft(meeting=meeting, by=coordinator)
    assert not AuditEvent.objects.filter(action="meeting.discarded").exists()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("meetings:cancel", args=[meeting.pk]) in page
    assert reverse("meetings:discard", args=[meeting.pk]) not in page


@pytest.mark.parametrize("who", ["member", "outsider_coordinator"])
def test_only_the_networks_coordinators_discard_a_draft(client, request, draft, who):
    client.force_login(request.getfixturevalue(who))

    response = client.post(reverse("meetings:discard", args=[draft.pk]))

    assert response.status_code == 403
    assert Meeting.objects.filter(pk=draft.pk, state="draft").exists()


def _draft_series(network, coordinator) -> list[Meeting]:
    year = timezone.localdate().year + 1
    spec = SeriesSpec(
        rule="monthly", first_date=datetime.date(year, 9, 8), until=datetime.date(year, 12, 31),
        start_time=datetime.time(16), end_time=datetime.time(17), skip_holidays=False,
    )  # fmt: skip
    return services.create_series(
        network=network, by=coordinator, spec=spec, title="Finance call", kind="network_call",
        format="online", online_url=LINK, audience="members",
    )  # fmt: skip


def test_a_draft_series_is_discarded_in_one_step(client, coordinator, member, network):
    meetings = _draft_series(network, coordinator)
    client.force_login(coordinator)

    confirm = client.get(reverse("meetings:discard", args=[meetings[1].pk])).content.decode()
    client.post(reverse("meetings:discard", args=[meetings[1].pk]), {"whole_series": "1"})

    assert f"all {len(meetings)} drafts of the series" in confirm
    assert not Meeting.objects.exists() and not MeetingSeries.objects.exists()
    assert AuditEvent.objects.filter(action="meeting.discarded").count() == len(meetings)
    assert "Finance call" not in _everything_the_audience_reads(client, network, member)


def test_discarding_one_draft_of_a_series_keeps_the_others_and_the_published_ones(
    coordinator, network
):
    first, second, *rest = _draft_series(network, coordinator)
    services.publish_meetings(meetings=[first], by=coordinator)

    services.discard_draft(meeting=second, by=coordinator)
    services.discard_draft(meeting=rest[0], whole_series=True, by=coordinator)

    assert list(Meeting.objects.all()) == [first]
    assert Meeting.objects.get().is_published and MeetingSeries.objects.count() == 1


def test_the_admin_cannot_set_a_meetings_state_around_the_services(client, staff, draft):
    client.force_login(staff)

    page = client.get(reverse("admin:meetings_meeting_change", args=[draft.pk])).content.decode()

    assert page.count('name="title"') == 1
    assert 'name="state"' not in page


def test_drafts_cancelled_before_this_fix_become_drafts_again(member, network, coordinator):
    """The data migration: only meetings that the audit trail shows were drafts."""
    hide = importlib.import_module(
        "meetings.migrations.0003_hide_drafts_cancelled_before_publication"
    ).hide_cancelled_drafts
    leaked = factories.make_meeting(network=network, title=TITLE, state=Meeting.State.DRAFT)
    published = factories.make_meeting(network=network, title="Snowed off")
    services.cancel_meeting(meeting=published, reason="Snow", by=coordinator)
    # How a draft was cancelled before: its state set and the change recorded.
    Meeting.objects.filter(pk=leaked.pk).update(state="cancelled", cancel_reason="Not now")
    services._audit(leaked, "meeting.cancelled", "Meeting cancelled", coordinator,
                    {"State": ["Draft", "Cancelled"], "Reason": ["", "Not now"]})  # fmt: skip

    hide(django_apps, None)

    assert Meeting.objects.get(pk=leaked.pk).is_draft
    assert Meeting.objects.get(pk=published.pk).is_cancelled
    assert AuditEvent.objects.filter(action="meeting.hidden", object_id=leaked.pk).count() == 1
    seen = _everything_the_audience_reads(Client(), network, member)
    assert TITLE not in seen and "Snowed off" in seen


def test_the_admin_neither_deletes_a_meeting_nor_edits_its_places(client, staff, network, member):
    meeting = factories.make_meeting(network=network, title="Autumn conference")
    factories.make_registration(meeting=meeting, person=member)
    client.force_login(staff)

    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()
    deleted = client.post(
        reverse("admin:meetings_meeting_delete", args=[meeting.pk]), {"post": "yes"}
    )

    assert deleted.status_code == 403
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert 'name="registrations-0-status"' not in page
    assert 'name="registrations-0-DELETE"' not in page
    assert member.get_full_name() in page or member.email in page
