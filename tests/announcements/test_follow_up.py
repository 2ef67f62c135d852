"""A follow-up to a meeting that has taken place: an announcement to the people who came
(its register), or to those who had a place and did not come, offered and counted in the
composer, and refused for a meeting still to come or another network's."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from announcements import services
from announcements.audiences import reach, recipients
from announcements.emails import why_you_get_it
from announcements.models import Announcement
from meetings.models import MeetingSeries
from networks.models import WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db

A = Announcement.Audience


def _create(network):
    return reverse("announcements:create", args=[network.slug])


def _post(**fields):
    return {"subject": "Thank you for coming", "body": "The slides are *attached*.",
            "then": "preview"} | fields  # fmt: skip


@pytest.fixture
def held(network):
    """A meeting of the network held last week."""
    last_week = timezone.now().replace(microsecond=0) - datetime.timedelta(days=7)
    return factories.make_meeting(network=network, title="Autumn meeting", starts_at=last_week)


@pytest.fixture
def register(network, held):
    """Ann and Ben had places and came; Cat had a place and did not; Dan walked in without
    one; Eve cancelled; Fay was on the waiting list."""
    people = {}
    for name in ["Ann", "Ben", "Cat", "Dan", "Eve", "Fay"]:
        people[name] = factories.make_head(first_name=name, email=f"{name.lower()}@school.example")
        factories.make_membership(person=people[name], network=network)
    for name in ["Ann", "Ben", "Cat"]:
        factories.make_registration(meeting=held, person=people[name])
    factories.make_registration(meeting=held, person=people["Eve"], status="cancelled")
    factories.make_registration(meeting=held, person=people["Fay"], status="waiting")
    for name in ["Ann", "Ben", "Dan"]:
        factories.make_attendance(meeting=held, person=people[name])
    return people


def _names(announcement):
    return sorted(person.first_name for person in recipients(announcement))


# Who it reaches ----------------------------------------------------------------------


def test_the_people_who_came_are_those_on_the_register(network, held, register):
    announcement = factories.make_announcement(network=network, audience=A.ATTENDED, meeting=held)

    assert _names(announcement) == ["Ann", "Ben", "Dan"]
    assert reach(announcement).people == 3
    assert announcement.audience_text.startswith("the people who came to Autumn meeting on ")


def test_the_people_who_did_not_come_had_a_place_and_are_not_on_the_register(
    network, held, register
):
    announcement = factories.make_announcement(network=network, audience=A.NO_SHOWS, meeting=held)

    # Not Dan (he came without a place), nor Eve (she cancelled), nor Fay (never had one).
    assert _names(announcement) == ["Cat"]
    assert reach(announcement).people == 1
    assert announcement.audience_text.startswith(
        "the people who registered for and did not come to Autumn meeting on "
    )


def test_someone_who_came_to_another_place_of_the_briefing_is_not_a_no_show(network):
    # A briefing given in several places: the register keeps the place attended, so Gil,
    # who had a place in the north and came to the south, came.
    series = MeetingSeries.objects.create(network=network, rule=MeetingSeries.Rule.SESSIONS)
    last_week = timezone.now().replace(microsecond=0) - datetime.timedelta(days=7)
    north, south = (
        factories.make_meeting(network=network, title=title, starts_at=last_week, series=series)
        for title in ("Briefing (north)", "Briefing (south)")
    )
    gil = factories.make_head(first_name="Gil")
    hal = factories.make_head(first_name="Hal")
    for person in (gil, hal):
        factories.make_registration(meeting=north, person=person)
    factories.make_attendance(meeting=south, person=gil)
    announcement = factories.make_announcement(network=network, audience=A.NO_SHOWS, meeting=north)

    assert _names(announcement) == ["Hal"]


def test_a_closed_account_is_not_written_to(network, held, register):
    register["Ben"].is_active = False
    register["Ben"].save()
    announcement = factories.make_announcement(network=network, audience=A.ATTENDED, meeting=held)
    assert _names(announcement) == ["Ann", "Dan"]


def test_a_follow_up_whose_meeting_was_deleted_reaches_nobody(network, held, register):
    announcement = factories.make_announcement(network=network, audience=A.ATTENDED, meeting=held)
    held.delete()
    announcement.refresh_from_db()
    assert _names(announcement) == []


def test_the_email_says_why_each_gets_it(network, held, register):
    came = factories.make_announcement(network=network, audience=A.ATTENDED, meeting=held)
    missed = factories.make_announcement(network=network, audience=A.NO_SHOWS, meeting=held)
    assert why_you_get_it(came).startswith("you came to Autumn meeting on ")
    assert why_you_get_it(missed).startswith("you had a place at Autumn meeting on ")


# The service's side ------------------------------------------------------------------


@pytest.mark.parametrize("audience", [A.ATTENDED, A.NO_SHOWS])
def test_a_meeting_still_to_come_is_refused(network, coordinator, audience):
    to_come = factories.make_meeting(network=network)
    with pytest.raises(ValidationError) as refused:
        services.save_draft(
            network=network, author=coordinator, subject="Hi", body="Hello",
            audience=audience, meeting=to_come,
        )  # fmt: skip
    assert "meetings that have taken place" in str(refused.value)
    assert not Announcement.objects.exists()


@pytest.mark.parametrize("audience", [A.ATTENDED, A.NO_SHOWS])
def test_another_network_s_meeting_or_a_cancelled_one_is_refused(
    network, other_network, coordinator, audience
):
    last_week = timezone.now() - datetime.timedelta(days=7)
    theirs = factories.make_meeting(network=other_network, starts_at=last_week)
    cancelled = factories.make_meeting(network=network, starts_at=last_week, state="cancelled")
    for meeting in (theirs, cancelled, None):
        with pytest.raises(ValidationError):
            services.save_draft(
                network=network, author=coordinator, subject="Hi", body="Hello",
                audience=audience, meeting=meeting,
            )  # fmt: skip
    assert not Announcement.objects.exists()


# The composer ------------------------------------------------------------------------


def test_the_composer_offers_follow_ups_only_for_meetings_held(client, network, coordinator, held):
    to_come = factories.make_meeting(network=network, title="Spring meeting")
    client.force_login(coordinator)

    form = client.get(_create(network)).context["form"]
    page = str(form)

    assert "The people who came to a meeting" in page
    assert "The people who registered for a meeting and did not come" in page
    assert re.search(r'<label\s+for="id_held_meeting"[^>]*>\s*Which meeting that has taken', page)
    held_choices = str(form["held_meeting"])
    assert "Autumn meeting" in held_choices and "Spring meeting" not in held_choices
    assert "Spring meeting" in str(form["meeting"]) and "Autumn meeting" not in str(form["meeting"])
    assert to_come.pk


def test_no_follow_up_is_offered_before_any_meeting_is_held(client, network, coordinator):
    factories.make_meeting(network=network, title="Spring meeting")
    client.force_login(coordinator)
    page = client.get(_create(network)).content.decode()
    assert "The people who came to a meeting" not in page and "id_held_meeting" not in page


def test_a_link_chooses_the_follow_up_and_its_meeting(client, network, coordinator, held):
    client.force_login(coordinator)

    form = client.get(f"{_create(network)}?audience=attended&meeting={held.pk}").context["form"]

    assert form.initial["audience"] == "attended" and form.initial["held_meeting"] == held.pk
    assert re.search(rf'<option value="{held.pk}" selected>', str(form["held_meeting"]))
    assert re.search(r'value="attended"[^>]*checked', str(form["audience"]))


def test_a_coordinator_writes_to_those_who_did_not_come_and_sees_how_many_it_reaches(
    client, network, coordinator, held, register
):
    client.force_login(coordinator)

    response = client.post(_create(network), _post(audience="no_shows", held_meeting=held.pk))

    draft = Announcement.objects.get()
    assert (draft.audience, draft.meeting) == (A.NO_SHOWS, held)
    page = " ".join(client.get(response.url).content.decode().split())
    assert "It will reach <strong>1 person</strong>" in page
    assert "registered for and did not come to Autumn meeting" in page
    # Edited, it keeps its meeting.
    edit = client.get(reverse("announcements:edit", args=[network.slug, draft.pk]))
    assert re.search(
        rf'<option value="{held.pk}" selected>', str(edit.context["form"]["held_meeting"])
    )


def test_sending_to_the_people_who_came_emails_them_only(
    client, network, coordinator, held, register, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    client.post(_create(network), _post(audience="attended", held_meeting=held.pk))
    draft = Announcement.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("announcements:send", args=[network.slug, draft.pk]), {"when": "now"})

    assert sorted(message.to[0] for message in mail.outbox) == [
        "ann@school.example", "ben@school.example", "dan@school.example",
    ]  # fmt: skip
    assert "you came to Autumn meeting" in mail.outbox[0].body


def test_choosing_a_follow_up_without_its_meeting_is_an_error_there(
    client, network, coordinator, held
):
    client.force_login(coordinator)
    response = client.post(_create(network), _post(audience="attended"))
    assert response.status_code == 200
    assert response.context["form"].errors["held_meeting"] == ["Choose which meeting."]


def test_a_meeting_to_come_or_another_network_s_named_by_its_id_is_refused(
    client, network, other_network, coordinator, held
):
    to_come = factories.make_meeting(network=network, title="Spring meeting")
    theirs = factories.make_meeting(
        network=other_network, starts_at=timezone.now() - datetime.timedelta(days=3)
    )
    client.force_login(coordinator)
    for meeting in (to_come, theirs):
        response = client.post(
            _create(network), _post(audience="attended", held_meeting=meeting.pk)
        )
        assert response.status_code == 200
        assert "held_meeting" in response.context["form"].errors
    assert not Announcement.objects.exists()


def test_a_workhub_lead_is_not_offered_follow_ups(client, network, held):
    workhub = factories.make_workhub(network=network)
    lead = factories.make_head()
    factories.make_membership(person=lead, network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=lead, is_lead=True)
    client.force_login(lead)

    page = client.get(_create(network)).content.decode()
    response = client.post(_create(network), _post(audience="attended", held_meeting=held.pk))

    assert "The people who came to a meeting" not in page
    assert response.status_code == 200 and not Announcement.objects.exists()
