"""Registration: places, the waiting list, giving a place up, through services and URLs."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, Registration
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_meeting(network):
    return factories.make_meeting(network=network, capacity=2)


def _people(network, count):
    people = [factories.make_head() for _ in range(count)]
    for person in people:
        factories.make_membership(person=person, network=network)
    return people


def test_people_get_places_until_full_then_join_the_waiting_list(small_meeting, network):
    first, second, third = _people(network, 3)
    assert services.register(meeting=small_meeting, person=first).is_going
    assert services.register(meeting=small_meeting, person=second).is_going
    assert services.register(meeting=small_meeting, person=third).is_waiting
    assert small_meeting.is_full


def test_registering_twice_keeps_one_registration(small_meeting, member):
    one = services.register(meeting=small_meeting, person=member)
    two = services.register(meeting=small_meeting, person=member)
    assert one.pk == two.pk
    assert Registration.objects.filter(meeting=small_meeting, person=member).count() == 1


def test_giving_up_a_place_moves_the_first_waiting_person_up_and_emails_them(
    small_meeting, network
):
    first, second, third, fourth = _people(network, 4)
    for person in (first, second, third, fourth):
        services.register(meeting=small_meeting, person=person)
    mail.outbox.clear()

    services.cancel_registration(meeting=small_meeting, person=first)

    statuses = dict(Registration.objects.live().values_list("person_id", "status"))
    assert statuses == {second.pk: "going", third.pk: "going", fourth.pk: "waiting"}
    assert [message.to for message in mail.outbox] == [[third.email]]
    assert "A place for you" in mail.outbox[0].subject


def test_leaving_the_waiting_list_moves_nobody(small_meeting, network):
    people = _people(network, 3)
    for person in people:
        services.register(meeting=small_meeting, person=person)
    mail.outbox.clear()
    services.cancel_registration(meeting=small_meeting, person=people[2])
    assert mail.outbox == []
    assert small_meeting.registrations.filter(status="going").count() == 2


def test_raising_the_capacity_moves_waiting_people_up(small_meeting, network):
    people = _people(network, 3)
    for person in people:
        services.register(meeting=small_meeting, person=person)
    services.update_meeting(meeting=small_meeting, changes={"capacity": 3})
    assert small_meeting.registrations.filter(status="going").count() == 3


@pytest.mark.parametrize(
    "change",
    [{"state": Meeting.State.DRAFT}, {"state": Meeting.State.CANCELLED}, {"past": True},
     {"registration_required": False}],
)  # fmt: skip
def test_no_registration_for_drafts_cancelled_past_or_open_meetings(network, member, change):
    fields = dict(change)
    if fields.pop("past", False):
        fields["starts_at"] = timezone.now() - datetime.timedelta(days=2)
    meeting = factories.make_meeting(network=network, **fields)
    with pytest.raises(ValidationError):
        services.register(meeting=meeting, person=member)


def test_a_member_registers_through_the_page(client, network, member, small_meeting):
    client.force_login(member)
    response = client.post(reverse("meetings:register", args=[small_meeting.pk]), follow=True)
    assert "You have a place" in response.content.decode()
    assert small_meeting.registrations.get().person == member


def test_the_next_head_goes_on_the_waiting_list_through_the_page(client, network, member):
    meeting = factories.make_meeting(network=network, capacity=1)
    factories.make_registration(meeting=meeting, person=factories.make_head())
    client.force_login(member)
    response = client.post(reverse("meetings:register", args=[meeting.pk]), follow=True)
    assert "you are on the waiting list" in response.content.decode()
    assert meeting.registrations.get(person=member).is_waiting


def test_register_is_post_only(client, member, small_meeting):
    client.force_login(member)
    assert client.get(reverse("meetings:register", args=[small_meeting.pk])).status_code == 405


def test_a_non_member_cannot_register_for_a_members_meeting(client, head, small_meeting):
    client.force_login(head)
    response = client.post(reverse("meetings:register", args=[small_meeting.pk]))
    assert response.status_code == 403
    assert not small_meeting.registrations.exists()


def test_any_signed_in_head_may_register_for_an_open_meeting(client, head, network):
    meeting = factories.make_meeting(network=network, audience=Meeting.Audience.SIGNED_IN)
    client.force_login(head)
    client.post(reverse("meetings:register", args=[meeting.pk]))
    assert meeting.registrations.get().person == head


def test_a_visitor_is_sent_to_sign_in_to_register(client, small_meeting):
    response = client.post(reverse("meetings:register", args=[small_meeting.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_member_gives_up_their_place_through_the_page(client, member, small_meeting):
    factories.make_registration(meeting=small_meeting, person=member)
    client.force_login(member)
    client.post(reverse("meetings:unregister", args=[small_meeting.pk]))
    assert small_meeting.registrations.get().status == Registration.Status.CANCELLED


def test_coordinators_see_and_export_who_is_coming(client, coordinator, network, small_meeting):
    going, waiting, third = _people(network, 3)
    for person in (going, waiting, third):
        services.register(meeting=small_meeting, person=person)
    client.force_login(coordinator)

    page = client.get(reverse("meetings:attendees", args=[small_meeting.pk]))
    export = client.get(reverse("meetings:attendees_csv", args=[small_meeting.pk]))

    assert going.email in page.content.decode()
    rows = b"".join(export.streaming_content).decode().removeprefix("\ufeff").splitlines()
    assert export["Content-Type"].startswith("text/csv")
    assert rows[0].startswith("First name,Last name,Email,School,Status")
    assert len(rows) == 4
    assert rows[-1].split(",")[4] == "On the waiting list"
