"""Recording who came: a marker's taps, walk-ins, the code, joining the call; each
idempotent, audited once, and one place per briefing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from attendance import services
from attendance.models import Attendance, CheckInCode
from core.models import AuditEvent
from meetings.models import Meeting, MeetingSeries
from meetings.signals import meeting_joined
from networks.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_marking_someone_present_twice_records_them_once_and_audits_once(
    network, member, coordinator
):
    meeting = factories.make_meeting_now(network=network)
    factories.make_registration(meeting=meeting, person=member)

    first = services.mark_present(meeting=meeting, person=member, by=coordinator)
    again = services.mark_present(meeting=meeting, person=member, by=coordinator)

    assert first == again
    assert first.how == Attendance.How.MARKED
    assert first.recorded_by == coordinator
    assert first.school == member.posts.get().school
    [event] = _events("attendance.present")
    assert event.subject_id == member.pk and event.actor_id == coordinator.pk
    assert event.summary == "Marked as came on the register"


def test_not_here_takes_them_off_once(network, member, coordinator):
    meeting = factories.make_meeting_now(network=network)
    services.mark_present(meeting=meeting, person=member, by=coordinator)

    assert services.mark_absent(meeting=meeting, person=member, by=coordinator)
    assert not services.mark_absent(meeting=meeting, person=member, by=coordinator)

    assert not Attendance.objects.exists()
    assert len(_events("attendance.absent")) == 1


def test_the_register_is_not_kept_before_its_window(network, member, coordinator):
    meeting = factories.make_meeting(network=network)  # next week

    with pytest.raises(ValidationError, match="The register opens at"):
        services.mark_present(meeting=meeting, person=member, by=coordinator)
    assert not Attendance.objects.exists()


def test_a_cancelled_meeting_has_no_register(network, member, coordinator):
    meeting = factories.make_meeting_now(network=network, state=Meeting.State.CANCELLED)
    with pytest.raises(ValidationError, match="has a register"):
        services.mark_present(meeting=meeting, person=member, by=coordinator)


def test_someone_with_no_place_who_is_not_a_member_cannot_be_marked(network, head, coordinator):
    meeting = factories.make_meeting_now(network=network)
    with pytest.raises(ValidationError, match="not a member"):
        services.mark_present(meeting=meeting, person=head, by=coordinator)


def test_a_walk_in_must_be_an_active_member(network, member, head, coordinator):
    meeting = factories.make_meeting_now(network=network)
    lapsed = factories.make_head()
    factories.make_membership(person=lapsed, network=network, status=Membership.Status.LAPSED)

    walk_in = services.add_walk_in(meeting=meeting, person=member, by=coordinator)

    assert walk_in.how == Attendance.How.WALK_IN
    for person in (head, lapsed):
        with pytest.raises(ValidationError, match="Only members of"):
            services.add_walk_in(meeting=meeting, person=person, by=coordinator)
    assert Attendance.objects.count() == 1


def test_a_meeting_s_code_is_made_once_from_an_unambiguous_alphabet(network):
    meeting = factories.make_meeting(network=network)

    code = services.code_for(meeting)

    assert services.code_for(meeting) == code
    assert len(code.code) == 6
    assert not set(code.code) & set("0O1I")
    assert services.code_for(factories.make_meeting(network=network)).code != code.code


def test_checking_in_with_the_code_during_the_meeting_records_the_person(network, member):
    meeting = factories.make_meeting_now(network=network)
    code = services.code_for(meeting).code
    now = timezone.now()

    attendance = services.check_in(person=member, code=f" {code[:3].lower()}-{code[3:]} ", at=now)

    assert attendance.meeting == meeting
    assert attendance.how == Attendance.How.CODE
    assert attendance.recorded_at == now
    assert services.check_in(person=member, code=code, at=now) == attendance
    assert len(_events("attendance.present")) == 1


def test_a_code_outside_its_window_records_nothing(network, member):
    meeting = factories.make_meeting(network=network)  # next week
    code = services.code_for(meeting).code

    with pytest.raises(ValidationError, match="not on now"):
        services.check_in(person=member, code=code, at=timezone.now())
    with pytest.raises(ValidationError, match="not on now"):
        services.check_in(
            person=member, code=code, at=meeting.ends_at + datetime.timedelta(seconds=1)
        )
    assert not Attendance.objects.exists()


def test_a_code_for_another_meeting_records_nothing(network, member):
    here = factories.make_meeting_now(network=network, title="Here")
    elsewhere = factories.make_meeting_now(network=network, title="Elsewhere")
    code = services.code_for(elsewhere).code

    with pytest.raises(ValidationError, match="another meeting, not Here"):
        services.check_in(person=member, code=code, at=timezone.now(), meeting=here)
    assert not Attendance.objects.exists()


def test_an_unknown_code_is_refused(network, member):
    with pytest.raises(ValidationError, match="No meeting has this code"):
        services.check_in(person=member, code="ZZZZZZ", at=timezone.now())


def test_an_outsider_and_a_lapsed_member_cannot_check_in(network, outsider_member):
    meeting = factories.make_meeting_now(network=network)
    code = services.code_for(meeting).code
    lapsed = factories.make_head()
    factories.make_membership(person=lapsed, network=network, status=Membership.Status.LAPSED)

    for person in (outsider_member, lapsed):
        with pytest.raises(ValidationError, match="You are not on the list"):
            services.check_in(person=person, code=code, at=timezone.now())
    assert not Attendance.objects.exists()


def _briefing(network):
    series = MeetingSeries.objects.create(network=network, rule=MeetingSeries.Rule.SESSIONS)
    north = factories.make_meeting_now(network=network, title="Briefing (north)", series=series)
    south = factories.make_meeting_now(network=network, title="Briefing (south)", series=series)
    return north, south


def test_attending_one_session_of_a_briefing_takes_the_person_off_another(
    network, member, coordinator
):
    north, south = _briefing(network)
    services.mark_present(meeting=north, person=member, by=coordinator)

    services.check_in(person=member, code=services.code_for(south).code, at=timezone.now())

    assert list(Attendance.objects.values_list("meeting__title", flat=True)) == ["Briefing (south)"]
    assert "taken off the briefing's other session" in _events("attendance.present")[-1].summary


def test_another_series_keeps_both(network, member, coordinator):
    series = MeetingSeries.objects.create(network=network, rule=MeetingSeries.Rule.WEEKLY)
    first = factories.make_meeting_now(network=network, series=series)
    second = factories.make_meeting_now(network=network, series=series)
    services.mark_present(meeting=first, person=member, by=coordinator)
    services.mark_present(meeting=second, person=member, by=coordinator)
    assert Attendance.objects.count() == 2


def _online(network, **fields):
    return factories.make_meeting_now(
        network=network, format=Meeting.Format.ONLINE, online_url="https://meet.example/room",
        venue_address="", **fields,
    )  # fmt: skip


def test_joining_the_call_during_the_meeting_counts_through_the_signal(network, member):
    meeting = _online(network)

    meeting_joined.send(sender=Meeting, meeting=meeting, person=member, at=timezone.now())

    attendance = Attendance.objects.get()
    assert attendance.person == member and attendance.how == Attendance.How.ONLINE


def test_joining_outside_the_window_or_without_a_right_counts_for_nothing(network, member, head):
    meeting = _online(network)
    early = meeting.starts_at - datetime.timedelta(minutes=31)

    assert services.record_online_join(meeting=meeting, person=member, at=early) is None
    assert services.record_online_join(meeting=meeting, person=head, at=timezone.now()) is None
    assert not Attendance.objects.exists()


def test_codes_are_unique_across_meetings(network):
    codes = {services.code_for(factories.make_meeting(network=network)).code for _ in range(5)}
    assert len(codes) == 5 == CheckInCode.objects.count()


def test_at_a_meeting_open_to_anyone_a_marker_still_cannot_name_a_stranger(
    network, head, coordinator
):
    """The stranger may check themselves in with the code; a marker's tap (from a view, a
    command or the admin) names only the registered, the members and those on it."""
    meeting = factories.make_meeting_now(
        network=network, audience=Meeting.Audience.SIGNED_IN, registration_required=False
    )

    with pytest.raises(ValidationError, match="not a member"):
        services.mark_present(meeting=meeting, person=head, by=coordinator)
    assert not Attendance.objects.exists()

    services.check_in(person=head, code=services.code_for(meeting).code, at=timezone.now())
    assert Attendance.objects.get().how == Attendance.How.CODE
