"""The register, the code display, self check-in, the meeting page's panel and "Join the
call", through the client: what a marker sees, what a refused person gets."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import services, views
from attendance.models import Attendance, CheckInCode
from meetings.models import Meeting
from networks.models import WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db


def _register(meeting):
    return reverse("attendance:register", args=[meeting.pk])


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_coordinator_sees_the_going_list_with_one_button_each_and_the_counts(
    client, network, coordinator
):
    meeting = factories.make_meeting_now(network=network, title="Spring meeting")
    ann = factories.make_head(first_name="Ann", last_name="Archer")
    bob = factories.make_head(first_name="Bob", last_name="Baker")
    for person in (ann, bob):
        factories.make_membership(person=person, network=network)
        factories.make_registration(meeting=meeting, person=person)
    factories.make_attendance(meeting=meeting, person=ann)
    client.force_login(coordinator)

    page = _text(client.get(_register(meeting)))

    assert "Register: Spring meeting" in page
    assert "1 came" in page and "1 of 2 with a place" in page
    assert 'Not here<span class="visually-hidden">: Ann Archer</span>' in page
    assert 'Came<span class="visually-hidden">: Bob Baker</span>' in page
    assert "Show the check-in code" in page


def test_one_tap_marks_a_person_and_the_register_says_so(client, network, coordinator, member):
    meeting = factories.make_meeting_now(network=network)
    factories.make_registration(meeting=meeting, person=member)
    client.force_login(coordinator)
    url = reverse("attendance:mark", args=[meeting.pk])

    response = client.post(url, {"person": member.pk, "came": "1"}, follow=True)

    assert response.redirect_chain[-1][0] == f"{_register(meeting)}#person-{member.pk}"
    assert f"{member.get_full_name()}: came." in _text(response)
    assert Attendance.objects.get().how == Attendance.How.MARKED
    client.post(url, {"person": member.pk, "came": "0"})
    assert not Attendance.objects.exists()


def test_before_the_window_the_register_shows_when_it_opens_and_no_buttons(
    client, network, coordinator, member
):
    meeting = factories.make_meeting(network=network)
    factories.make_registration(meeting=meeting, person=member)
    client.force_login(coordinator)

    page = _text(client.get(_register(meeting)))

    assert "The register opens at" in page
    assert "Came<span" not in page


def test_a_walk_in_is_found_by_name_and_added(client, network, coordinator):
    meeting = factories.make_meeting_now(network=network)
    walker = factories.make_head(first_name="Wendy", last_name="Walker")
    factories.make_membership(person=walker, network=network)
    stranger = factories.make_head(first_name="Wendy", last_name="Elsewhere")
    client.force_login(coordinator)

    found = _text(client.get(_register(meeting), {"q": "wendy"}))
    assert "Wendy Walker" in found and "Wendy Elsewhere" not in found

    response = client.post(
        reverse("attendance:walk_in", args=[meeting.pk]), {"person": walker.pk}, follow=True
    )
    page = _text(response)
    assert "Wendy Walker is on the register as a walk-in." in page
    assert "Came without a place (1)" in page
    client.post(reverse("attendance:walk_in", args=[meeting.pk]), {"person": stranger.pk})
    assert list(Attendance.objects.values_list("person", flat=True)) == [walker.pk]


@pytest.mark.parametrize("persona", ["member", "head", "outsider_coordinator"])
def test_people_who_do_not_keep_the_register_are_refused_and_change_nothing(
    client, request, network, member, persona
):
    meeting = factories.make_meeting_now(network=network)
    factories.make_registration(meeting=meeting, person=member)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_register(meeting)).status_code == 403
    assert client.get(reverse("attendance:code", args=[meeting.pk])).status_code == 403
    marked = client.post(
        reverse("attendance:mark", args=[meeting.pk]), {"person": member.pk, "came": "1"}
    )
    assert marked.status_code == 403
    assert not Attendance.objects.exists() and not CheckInCode.objects.exists()


def test_a_workhub_lead_keeps_their_workhub_s_register(client, network, member):
    workhub = factories.make_workhub(network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=member, is_lead=True)
    theirs = factories.make_meeting_now(network=network, workhub=workhub)
    not_theirs = factories.make_meeting_now(network=network)
    client.force_login(member)

    assert client.get(_register(theirs)).status_code == 200
    assert client.get(_register(not_theirs)).status_code == 403
    panel = _text(client.get(theirs.get_absolute_url()))
    assert "Register: who came" in panel


def test_the_code_page_shows_the_code_and_a_qr_code_of_the_check_in_link(
    client, network, coordinator
):
    meeting = factories.make_meeting_now(network=network)
    client.force_login(coordinator)

    page = _text(client.get(reverse("attendance:code", args=[meeting.pk])))

    code = CheckInCode.objects.get(meeting=meeting).code
    assert f'<span aria-hidden="true">{code}</span>' in page
    assert "<svg" in page and "QR code for checking in" in page
    assert f"http://testserver/check-in/?code={code}" in page


def test_the_qr_code_s_link_fills_the_code_in(client, network, member):
    client.force_login(member)
    page = _text(client.get(reverse("attendance:check_in"), {"code": "ABC234"}))
    assert 'value="ABC234"' in page


def test_a_head_checks_in_with_the_code_and_is_told_so(client, network, member):
    meeting = factories.make_meeting_now(network=network, title="Spring meeting")
    code = services.code_for(meeting).code
    client.force_login(member)

    response = client.post(reverse("attendance:check_in"), {"code": code.lower()}, follow=True)

    page = _text(response)
    assert "You are on the register of Spring meeting." in page
    assert "You were recorded as attending." in page
    assert Attendance.objects.get().person == member


def test_a_code_for_a_meeting_not_on_now_is_refused_on_the_page(client, network, member):
    meeting = factories.make_meeting(network=network)
    code = services.code_for(meeting).code
    client.force_login(member)

    response = client.post(reverse("attendance:check_in"), {"code": code})

    assert response.status_code == 200
    assert "This code is for a meeting that is not on now" in _text(response)
    assert not Attendance.objects.exists()


def test_an_outsider_s_check_in_is_refused_on_the_page(client, network, outsider_member):
    meeting = factories.make_meeting_now(network=network)
    client.force_login(outsider_member)

    response = client.post(
        reverse("attendance:check_in"), {"code": services.code_for(meeting).code}
    )

    assert "You are not on the list" in _text(response)
    assert not Attendance.objects.exists()


def test_a_visitor_is_sent_to_sign_in_with_the_code_kept(client):
    response = client.get(reverse("attendance:check_in"), {"code": "ABC234"})
    assert response.status_code == 302
    assert "code%3DABC234" in response["Location"]


def test_the_meeting_page_offers_im_here_only_during_the_window(client, network, member):
    now = factories.make_meeting_now(network=network)
    later = factories.make_meeting(network=network)
    client.force_login(member)

    assert "I'm here" in client.get(now.get_absolute_url()).content.decode()
    assert "I'm here" not in client.get(later.get_absolute_url()).content.decode()


def test_i_m_here_on_another_meeting_s_page_refuses_its_code(client, network, member):
    here = factories.make_meeting_now(network=network, title="Here")
    elsewhere = factories.make_meeting_now(network=network, title="Elsewhere")
    client.force_login(member)

    response = client.post(
        reverse("attendance:check_in"),
        {"code": services.code_for(elsewhere).code, "meeting": here.pk},
    )

    assert "This code is for another meeting, not Here." in _text(response)
    assert not Attendance.objects.exists()


def test_a_head_without_a_right_sees_no_attendance_panel(client, network, head):
    meeting = factories.make_meeting_now(network=network, audience=Meeting.Audience.PUBLIC)
    client.force_login(head)
    assert "attendance-heading" not in client.get(meeting.get_absolute_url()).content.decode()


def _online(network, **fields):
    return factories.make_meeting_now(
        network=network, format=Meeting.Format.ONLINE, online_url="https://meet.example/room",
        venue_address="", **fields,
    )  # fmt: skip


def test_join_the_call_sends_a_member_to_the_call_and_records_them(client, network, member):
    meeting = _online(network)
    client.force_login(member)

    page = client.get(meeting.get_absolute_url()).content.decode()
    response = client.get(reverse("meetings:join", args=[meeting.pk]))

    assert reverse("meetings:join", args=[meeting.pk]) in page and "Join the call" in page
    assert response["Location"] == "https://meet.example/room"
    assert Attendance.objects.get().how == Attendance.How.ONLINE


def test_join_the_call_before_the_window_sends_them_on_but_records_nothing(client, network, member):
    meeting = _online(network, starts_at=timezone.now() + datetime.timedelta(hours=2))
    client.force_login(member)

    response = client.get(reverse("meetings:join", args=[meeting.pk]))

    assert response["Location"] == "https://meet.example/room"
    assert not Attendance.objects.exists()


def test_join_the_call_refuses_people_who_may_not_see_the_link(client, network, head):
    meeting = _online(network, audience=Meeting.Audience.PUBLIC)
    join = reverse("meetings:join", args=[meeting.pk])

    assert "/accounts/login/" in client.get(join)["Location"]
    client.force_login(head)
    assert client.get(join).status_code == 403
    assert not Attendance.objects.exists()


def test_an_in_person_meeting_has_no_call_to_join(client, network, member):
    meeting = factories.make_meeting_now(network=network)
    client.force_login(member)
    assert client.get(reverse("meetings:join", args=[meeting.pk])).status_code == 404


def test_a_marker_s_button_naming_no_person_is_a_404(client, network, coordinator):
    meeting = factories.make_meeting_now(network=network)
    client.force_login(coordinator)
    for person in ("", "abc", "999999"):
        response = client.post(
            reverse("attendance:mark", args=[meeting.pk]), {"person": person, "came": "1"}
        )
        assert response.status_code == 404


@pytest.mark.parametrize("came", ["1", "0"])
def test_a_marker_s_button_naming_someone_off_the_list_is_a_404_that_names_nobody(
    client, network, coordinator, came
):
    # Not a member of the network and no place: a marker cannot put them on the register
    # (a walk-in must be a member), nor learn their name by posting their id.
    meeting = factories.make_meeting_now(
        network=network, audience=Meeting.Audience.PUBLIC, registration_required=False
    )
    stranger = factories.make_head(first_name="Stella", last_name="Stranger")
    client.force_login(coordinator)

    response = client.post(
        reverse("attendance:mark", args=[meeting.pk]),
        {"person": stranger.pk, "came": came},
        follow=True,
    )

    assert response.status_code == 404
    assert "Stranger" not in _text(response)
    assert not Attendance.objects.exists()


def test_guessing_codes_is_stopped_after_a_few_tries(client, network, member):
    # Six characters from 32 is a small space to guess in when many meetings are on at
    # once: after CHECK_IN_TRIES codes in a quarter of an hour, even a right one waits.
    meeting = factories.make_meeting_now(network=network, title="Spring meeting")
    code = services.code_for(meeting).code
    client.force_login(member)
    url = reverse("attendance:check_in")
    for guess in range(views.CHECK_IN_TRIES):
        wrong = client.post(url, {"code": f"ZZZ{guess:03d}"})
        assert "No meeting has this code" in _text(wrong)

    response = client.post(url, {"code": code})

    assert response.status_code == 429
    assert "You have tried several codes" in _text(response)
    assert not Attendance.objects.exists()
