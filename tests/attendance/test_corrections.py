"""Corrections to a register: someone who could have been at a meeting, and is not on its
register, says they were; its network's coordinators (site staff, the leads of its
workhub) confirm, which puts them on the register, or decline with a reason. Both are
audited and emailed; nobody else sees or decides them."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance import corrections
from attendance.models import Attendance, Correction
from core.models import AuditEvent
from meetings.models import Meeting, MeetingSeries
from members.models import Post
from networks.models import WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db

NOTE = "I sat at the back, beside the head of Wolvercote."


@pytest.fixture
def meeting(network):
    return factories.make_past_meeting(network=network, title="Autumn network meeting")


def _ask_url(meeting):
    return reverse("attendance:correction_ask", args=[meeting.pk])


def _desk_url(network):
    return reverse("attendance:corrections", args=[network.slug])


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _ask(client, person, meeting, note=NOTE):
    client.force_login(person)
    return client.post(_ask_url(meeting), {"note": note})


# Asking ------------------------------------------------------------------------------


def test_a_member_not_on_the_register_says_they_were_there(client, member, meeting):
    client.force_login(member)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert "Not on the register? Tell the coordinator" in _text(page)

    form = client.get(_ask_url(meeting))
    assert "Tell the coordinator you were there" in _text(form)
    response = client.post(_ask_url(meeting), {"note": NOTE})

    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    correction = Correction.objects.get()
    assert (correction.person, correction.meeting, correction.note) == (member, meeting, NOTE)
    assert correction.state == Correction.State.WAITING
    event = AuditEvent.objects.get(action="attendance.correction_asked")
    assert (event.actor_id, event.subject_id, event.network_id) == (
        member.pk, member.pk, meeting.network_id,
    )  # fmt: skip
    again = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert "You told the coordinator you were here on" in _text(again)
    assert "They have not decided yet; we will email you" in _text(client.get(_ask_url(meeting)))


def test_a_note_is_needed(client, member, meeting):
    response = _ask(client, member, meeting, note="  ")

    assert response.status_code == 200
    assert "Please correct the errors" in _text(response)
    assert not Correction.objects.exists()


def test_asking_twice_keeps_one_waiting_correction(client, member, meeting):
    _ask(client, member, meeting)
    corrections.ask_correction(meeting=meeting, person=member, note="Again")

    assert Correction.objects.get().note == NOTE


def test_nobody_asks_before_the_meeting_starts(client, member, network):
    later = factories.make_meeting(network=network)
    client.force_login(member)

    assert client.get(_ask_url(later)).status_code == 403
    assert _ask(client, member, later).status_code == 403
    page = client.get(reverse("meetings:detail", args=[later.pk]))
    assert "Tell the coordinator" not in _text(page)
    assert not Correction.objects.exists()


def test_someone_on_the_register_cannot_ask(client, member, meeting):
    factories.make_attendance(meeting=meeting, person=member)

    assert _ask(client, member, meeting).status_code == 403
    assert not Correction.objects.exists()


def test_nobody_asks_about_a_cancelled_meeting(client, member, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.CANCELLED)

    assert _ask(client, member, meeting).status_code == 403


def test_a_head_outside_the_network_cannot_ask_about_a_members_meeting(
    client, head, outsider_coordinator, meeting
):
    assert _ask(client, head, meeting).status_code == 403
    assert _ask(client, outsider_coordinator, meeting).status_code == 403
    assert not Correction.objects.exists()


def test_a_head_with_a_place_at_an_open_meeting_may_ask_and_one_without_may_not(
    client, head, network
):
    meeting = factories.make_past_meeting(network=network, audience=Meeting.Audience.SIGNED_IN)
    other_head = factories.make_head(email="other.head@school.example")
    factories.make_registration(meeting=meeting, person=head)

    assert _ask(client, other_head, meeting).status_code == 403
    assert _ask(client, head, meeting).status_code == 302
    assert Correction.objects.get().person == head


def test_a_visitor_is_sent_to_sign_in(client, meeting):
    response = client.get(_ask_url(meeting))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_someone_recorded_at_another_place_of_the_briefing_cannot_ask_about_this_one(
    client, member, network
):
    briefing = MeetingSeries.objects.create(network=network, rule=MeetingSeries.Rule.SESSIONS)
    oxford = factories.make_past_meeting(network=network, series=briefing)
    banbury = factories.make_past_meeting(
        network=network, series=briefing, venue_address="Banbury Town Hall"
    )
    factories.make_attendance(meeting=oxford, person=member)

    assert _ask(client, member, banbury).status_code == 403


# Deciding ----------------------------------------------------------------------------


def test_the_coordinator_sees_the_waiting_correction_and_confirms_it(
    client, member, coordinator, meeting
):
    _ask(client, member, meeting)
    mail.outbox.clear()
    client.force_login(coordinator)

    desk = client.get(_desk_url(meeting.network))
    assert desk.status_code == 200
    assert member.get_full_name() in _text(desk)
    assert NOTE in _text(desk)
    assert "they had not registered" in _text(desk)
    correction = Correction.objects.get()
    response = client.post(
        reverse("attendance:correction_confirm", args=[meeting.network.slug, correction.pk])
    )

    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert (attendance.person, attendance.meeting, attendance.how) == (
        member, meeting, Attendance.How.CORRECTION,
    )  # fmt: skip
    assert attendance.school == member.posts.get().school
    assert attendance.recorded_by == coordinator
    correction.refresh_from_db()
    assert (correction.state, correction.decided_by) == (Correction.State.CONFIRMED, coordinator)
    event = AuditEvent.objects.get(action="attendance.correction_confirmed")
    assert (event.actor_id, event.subject_id) == (coordinator.pk, member.pk)
    [email] = mail.outbox
    assert email.to == [member.email]
    assert "You are on the register: Autumn network meeting" in email.subject
    assert reverse("attendance:certificate", args=[meeting.pk]) in email.body
    after = _text(client.get(_desk_url(meeting.network)))
    assert "None are waiting." in after
    assert "confirmed" in after


def test_the_coordinator_declines_with_a_reason_the_person_is_sent(
    client, member, administrator, meeting
):
    _ask(client, member, meeting)
    mail.outbox.clear()
    correction = Correction.objects.get()
    client.force_login(administrator)
    url = reverse("attendance:correction_decline", args=[meeting.network.slug, correction.pk])

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Please correct the errors" in _text(refused)
    assert Correction.objects.get().state == Correction.State.WAITING
    response = client.post(url, {"reason": "The sign-in sheet has no entry for you."})

    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.state == Correction.State.DECLINED
    assert correction.decline_reason == "The sign-in sheet has no entry for you."
    assert not Attendance.objects.exists()
    assert AuditEvent.objects.filter(action="attendance.correction_declined").count() == 1
    [email] = mail.outbox
    assert email.to == [member.email]
    assert "Not added to the register" in email.subject
    assert "The sign-in sheet has no entry for you." in email.body


def test_a_second_decision_changes_nothing(member, coordinator, administrator, meeting):
    correction = corrections.ask_correction(meeting=meeting, person=member, note=NOTE)
    corrections.decline_correction(correction=correction, by=coordinator, reason="No")
    mail.outbox.clear()

    after = corrections.confirm_correction(correction=correction, by=administrator)

    assert (after.state, after.decided_by) == (Correction.State.DECLINED, coordinator)
    assert not Attendance.objects.exists()
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action__startswith="attendance.correction_c").count() == 0


def test_confirming_someone_recorded_meanwhile_adds_no_second_row(member, coordinator, meeting):
    correction = corrections.ask_correction(meeting=meeting, person=member, note=NOTE)
    factories.make_attendance(meeting=meeting, person=member)

    corrections.confirm_correction(correction=correction, by=coordinator)

    assert Attendance.objects.get().how == Attendance.How.MARKED


def test_a_confirmed_correction_records_the_school_as_the_register_does(
    member, coordinator, meeting
):
    # The member heads one school (verified) and has since claimed a post at another that
    # nobody has verified: the register counts them for the school they lead, and so
    # must a confirmed correction (rules.school_for), or the participation report
    # credits a school on an unchecked claim.
    headship_school = member.posts.get().school
    factories.make_post(
        person=member,
        role=Post.Role.SENIOR_LEADER,
        started_on=timezone.localdate() - datetime.timedelta(days=5),
        verified=False,
    )
    correction = corrections.ask_correction(meeting=meeting, person=member, note=NOTE)

    corrections.confirm_correction(correction=correction, by=coordinator)

    assert Attendance.objects.get().school == headship_school


@pytest.mark.parametrize("persona", ["member", "head", "outsider_coordinator"])
def test_people_who_decide_nothing_here_are_refused(client, request, persona, member, meeting):
    correction = corrections.ask_correction(meeting=meeting, person=member, note=NOTE)
    client.force_login(request.getfixturevalue(persona))
    slug = meeting.network.slug

    assert client.get(_desk_url(meeting.network)).status_code == 403
    confirm = reverse("attendance:correction_confirm", args=[slug, correction.pk])
    decline = reverse("attendance:correction_decline", args=[slug, correction.pk])
    assert client.post(confirm).status_code == 403
    assert client.post(decline, {"reason": "No"}).status_code == 403
    assert Correction.objects.get().state == Correction.State.WAITING
    assert not Attendance.objects.exists()


def test_another_network_s_correction_is_not_found_under_this_network(
    client, coordinator, network, other_network, outsider_member
):
    elsewhere = factories.make_past_meeting(network=other_network)
    correction = corrections.ask_correction(meeting=elsewhere, person=outsider_member, note=NOTE)
    client.force_login(coordinator)

    url = reverse("attendance:correction_confirm", args=[network.slug, correction.pk])
    assert client.post(url).status_code == 404
    assert NOTE not in _text(client.get(_desk_url(network)))
    assert Correction.objects.get().state == Correction.State.WAITING


def test_a_workhub_lead_decides_for_their_workhub_s_meetings_only(client, network, member):
    lead = factories.make_head(email="lead@school.example")
    factories.make_membership(person=lead, network=network)
    workhub = factories.make_workhub(network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=lead, is_lead=True)
    theirs = factories.make_past_meeting(network=network, title="Workhub session", workhub=workhub)
    not_theirs = factories.make_past_meeting(network=network, title="Whole network")
    mine = corrections.ask_correction(meeting=theirs, person=member, note="At the workhub")
    other = corrections.ask_correction(meeting=not_theirs, person=member, note="At the network")
    client.force_login(lead)

    desk = _text(client.get(_desk_url(network)))
    assert "At the workhub" in desk
    assert "At the network" not in desk
    assert client.post(
        reverse("attendance:correction_confirm", args=[network.slug, other.pk])
    ).status_code == 404  # fmt: skip
    client.post(reverse("attendance:correction_confirm", args=[network.slug, mine.pk]))
    assert Attendance.objects.get().meeting == theirs
    assert corrections.may_decide_corrections(lead, theirs)
    assert not corrections.may_decide_corrections(lead, not_theirs)


@pytest.mark.parametrize(
    "persona",
    ["visitor", "head", "member", "coordinator", "administrator", "outsider_coordinator", "staff"],
)
def test_the_rule_for_one_meeting_agrees_with_the_desk(request, persona, meeting, member):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    user = AnonymousUser() if persona == "visitor" else request.getfixturevalue(persona)
    correction = corrections.ask_correction(meeting=meeting, person=member, note=NOTE)
    try:
        _, found = corrections.get_correction_to_decide(user, meeting.network.slug, correction.pk)
        on_desk = found == correction
    except PermissionDenied:
        on_desk = False

    assert corrections.may_decide_corrections(user, meeting) == on_desk


def test_the_office_counts_the_waiting_corrections(client, coordinator, member, meeting):
    client.force_login(coordinator)
    office = reverse("office:home", args=[meeting.network.slug])
    assert "corrections to registers" not in _text(client.get(office))
    corrections.ask_correction(meeting=meeting, person=member, note=NOTE)

    response = client.get(office)

    work = {item.key: item for item in response.context["work"]}
    assert work["corrections"].count == 1
    assert work["corrections"].url == _desk_url(meeting.network)
    assert "correction to a register to decide" in _text(response)


def test_the_desk_s_queries_do_not_grow_with_the_corrections(client, coordinator, network):
    client.force_login(coordinator)

    def add(count):
        for _ in range(count):
            person = factories.make_head()
            factories.make_membership(person=person, network=network)
            meeting = factories.make_past_meeting(network=network)
            correction = corrections.ask_correction(meeting=meeting, person=person, note=NOTE)
            decided = factories.make_head()
            other = corrections.ask_correction(meeting=meeting, person=decided, note=NOTE)
            corrections.decline_correction(correction=other, by=coordinator, reason="No")
            assert correction.state == Correction.State.WAITING

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_desk_url(network)).status_code == 200
    add(10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_desk_url(network))

    assert len(response.context["waiting"]) == 12
    assert len(few) == len(many) <= 12, len(many)


def test_the_meeting_page_asks_nothing_more_of_a_meeting_not_yet_started(client, member, network):
    later = factories.make_meeting(
        network=network, starts_at=timezone.now() + datetime.timedelta(hours=1)
    )
    client.force_login(member)
    url = reverse("meetings:detail", args=[later.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before_start:
        client.get(url)
    Meeting.objects.filter(pk=later.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with CaptureQueriesContext(connection) as started:
        page = client.get(url)

    assert "Not on the register? Tell the coordinator" in _text(page)
    # The check-in panel's look for their row (its window is open now), their places on
    # the register, a waiting ask.
    assert len(started) - len(before_start) == 3


def test_a_correction_asked_before_the_meeting_was_cancelled_cannot_be_confirmed(
    client, member, coordinator, meeting, network
):
    correction = corrections.ask_correction(meeting=meeting, person=member, note=NOTE)
    Meeting.objects.filter(pk=meeting.pk).update(
        state=Meeting.State.CANCELLED, cancel_reason="Snow"
    )
    client.force_login(coordinator)

    response = client.post(
        reverse("attendance:correction_confirm", args=[network.slug, correction.pk]),
        follow=True,
    )

    assert "The meeting was cancelled" in _text(response)
    assert not Attendance.objects.exists()
    correction.refresh_from_db()
    assert correction.state == Correction.State.WAITING
