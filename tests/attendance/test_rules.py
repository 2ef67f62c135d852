"""The register's rules, directly: the window, who keeps a register, who may check in,
and the school on the row."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from attendance import corrections, rules
from core.dates import academic_year_of
from meetings.models import Meeting
from networks import access as network_access
from networks.models import Membership, WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def test_the_window_opens_half_an_hour_before_the_start_and_closes_at_the_end(network):
    meeting = factories.make_meeting(network=network)
    opens, closes = rules.window(meeting)

    assert opens == meeting.starts_at - datetime.timedelta(minutes=30)
    assert closes == meeting.ends_at
    assert rules.is_on(meeting, opens)
    assert rules.is_on(meeting, closes)
    assert not rules.is_on(meeting, opens - MINUTE)
    assert not rules.is_on(meeting, closes + MINUTE)


def test_a_cancelled_or_draft_meeting_is_never_on(network):
    for state in (Meeting.State.CANCELLED, Meeting.State.DRAFT):
        meeting = factories.make_meeting(network=network, state=state)
        assert not rules.is_on(meeting, meeting.starts_at)
        assert not rules.register_is_open(meeting, meeting.starts_at)


def test_the_register_stays_open_after_the_meeting_for_a_paper_list(network):
    meeting = factories.make_meeting(network=network)
    opens, closes = rules.window(meeting)

    assert not rules.register_is_open(meeting, opens - MINUTE)
    assert rules.register_is_open(meeting, closes + datetime.timedelta(days=3))


def test_a_code_for_another_meeting_is_refused(network):
    meeting = factories.make_meeting(network=network, title="Spring network meeting")
    other = factories.make_meeting(network=network, title="Finance group")

    refusal = rules.code_refusal(other, other.starts_at, for_meeting=meeting)

    assert refusal is not None
    assert "another meeting, not Spring network meeting" in refusal.message


def test_a_code_outside_its_window_is_refused_and_inside_it_counts(network):
    meeting = factories.make_meeting(network=network)
    opens, closes = rules.window(meeting)

    too_early = rules.code_refusal(meeting, opens - MINUTE)
    too_late = rules.code_refusal(meeting, closes + MINUTE)

    assert too_early is not None and too_late is not None
    assert "This code is for a meeting that is not on now" in too_early.message
    assert rules.code_refusal(meeting, opens) is None
    assert rules.code_refusal(meeting, closes, for_meeting=meeting) is None


def _perms(person, network):
    return network_access.for_network(person, network)


def test_members_and_people_with_a_place_may_attend_a_members_meeting(network, member, head):
    meeting = factories.make_meeting(network=network)
    assert rules.may_attend(_perms(member, network), meeting, None)
    assert not rules.may_attend(_perms(head, network), meeting, None)


def test_a_lapsed_member_and_an_outsider_may_not_check_in(network, outsider_member):
    lapsed = factories.make_head()
    factories.make_membership(person=lapsed, network=network, status=Membership.Status.LAPSED)
    meeting = factories.make_meeting(network=network)

    assert not rules.may_check_in(rules.access_of(lapsed, meeting))
    assert not rules.may_check_in(rules.access_of(outsider_member, meeting))


def test_a_signed_in_head_may_attend_an_open_meeting_only_with_a_place(network, head):
    meeting = factories.make_meeting(network=network, audience=Meeting.Audience.SIGNED_IN)
    assert not rules.may_check_in(rules.access_of(head, meeting))

    factories.make_registration(meeting=meeting, person=head)
    assert rules.may_check_in(rules.access_of(head, meeting))

    no_registration = factories.make_meeting(
        network=network, audience=Meeting.Audience.SIGNED_IN, registration_required=False
    )
    assert rules.may_check_in(rules.access_of(head, no_registration))


def test_coordinators_administrators_and_staff_may_keep_any_register_members_none(
    network, member, coordinator, administrator, staff, outsider_coordinator
):
    meeting = factories.make_meeting(network=network)
    for person in (coordinator, administrator, staff):
        assert rules.get_meeting_to_mark(person, meeting.pk).meeting == meeting
    for person in (member, outsider_coordinator):
        with pytest.raises(PermissionDenied):
            rules.get_meeting_to_mark(person, meeting.pk)


def test_a_workhub_lead_keeps_only_their_workhub_s_registers(network, member):
    workhub = factories.make_workhub(network=network)
    other_workhub = factories.make_workhub(network=network, name="Finance")
    WorkhubMembership.objects.create(workhub=workhub, person=member, is_lead=True)
    theirs = factories.make_meeting(network=network, workhub=workhub)
    other_hubs = factories.make_meeting(network=network, workhub=other_workhub)
    the_networks = factories.make_meeting(network=network)

    assert rules.get_meeting_to_mark(member, theirs.pk).meeting == theirs
    for meeting in (other_hubs, the_networks):
        with pytest.raises(PermissionDenied):
            rules.get_meeting_to_mark(member, meeting.pk)


def test_a_lead_of_an_earlier_year_s_workhub_keeps_no_register_and_decides_nothing(network, member):
    # An earlier year's workhub is a record (meetings.access.can_plan_for_workhub): its
    # lead may neither add to its registers nor decide corrections about them, one rule.
    earlier = factories.make_workhub(network=network, academic_year=academic_year_of() - 1)
    WorkhubMembership.objects.create(workhub=earlier, person=member, is_lead=True)
    meeting = factories.make_past_meeting(network=network, workhub=earlier, days_ago=400)

    with pytest.raises(PermissionDenied):
        rules.get_meeting_to_mark(member, meeting.pk)
    assert not corrections.may_decide_corrections(member, meeting)


def test_a_lapsed_workhub_lead_keeps_no_register(network, member):
    workhub = factories.make_workhub(network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=member, is_lead=True)
    meeting = factories.make_meeting(
        network=network, workhub=workhub, audience=Meeting.Audience.SIGNED_IN
    )
    Membership.objects.filter(person=member).update(status=Membership.Status.LAPSED)

    with pytest.raises(PermissionDenied):
        rules.get_meeting_to_mark(member, meeting.pk)


def test_the_school_is_the_current_verified_headship_before_another_post():
    governed = factories.make_school(name="Governed Primary")
    headed = factories.make_school(name="Headed Primary")
    person = factories.make_user()
    factories.make_post(
        person=person, school=governed, role="chair_of_governors",
        started_on=datetime.date(2025, 9, 1),
    )  # fmt: skip
    factories.make_post(person=person, school=headed, started_on=datetime.date(2020, 9, 1))
    factories.make_post(
        person=person, school=factories.make_school(name="Claimed Primary"), verified=False,
        started_on=datetime.date(2026, 1, 1),
    )  # fmt: skip

    assert rules.school_for(person) == headed


def test_a_person_without_a_verified_post_has_no_school():
    person = factories.make_user()
    factories.make_post(person=person, verified=False)
    assert rules.school_for(person) is None
