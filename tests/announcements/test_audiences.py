"""Who an announcement reaches (announcements.audiences): each audience, each person once,
and the counts its sender sees before sending."""

import pytest

from announcements.audiences import Reach, reach, recipients
from announcements.models import Announcement
from meetings.models import Registration
from members import suppression
from networks.models import EmailPreference, Membership, Network, WorkhubMembership
from networks.services.preferences import set_preference
from tests import factories

pytestmark = pytest.mark.django_db

Audience = Announcement.Audience
Choice = EmailPreference.Choice


def _reached(announcement):
    return sorted(person.email for person in recipients(announcement))


def _member(network, email, **fields):
    person = factories.make_user(email=email)
    factories.make_membership(person=person, network=network, **fields)
    return person


def test_the_whole_network_is_its_active_members_and_its_subgroups_each_once(
    network, other_network
):
    subgroup = factories.make_network(name="Oxford City Heads", parent=network)
    both = _member(network, "both@school.example")
    factories.make_membership(person=both, network=subgroup)
    _member(network, "network.only@school.example")
    _member(subgroup, "subgroup.only@school.example")
    _member(network, "pending@school.example", status=Membership.Status.PENDING)
    _member(network, "left@school.example", status=Membership.Status.LEFT)
    closed = _member(network, "inactive@school.example")
    closed.is_active = False
    closed.save()
    _member(other_network, "elsewhere@school.example")

    announcement = factories.make_announcement(network=network)

    assert _reached(announcement) == [
        "both@school.example",
        "network.only@school.example",
        "subgroup.only@school.example",
    ]
    assert recipients(announcement).count() == 3


def test_a_subgroup_audience_is_only_that_subgroup_s_active_members(network):
    subgroup = factories.make_network(name="Oxford City Heads", parent=network)
    other_subgroup = factories.make_network(name="Banbury Heads", parent=network)
    _member(network, "network.only@school.example")
    _member(subgroup, "in.subgroup@school.example")
    _member(subgroup, "pending@school.example", status=Membership.Status.PENDING)
    _member(other_subgroup, "other.subgroup@school.example")

    announcement = factories.make_announcement(
        network=network, audience=Audience.SUBGROUP, subgroup=subgroup
    )

    assert _reached(announcement) == ["in.subgroup@school.example"]


def test_a_workhub_audience_is_its_people(network):
    workhub = factories.make_workhub(network=network)
    for email, lead in [("lead@school.example", True), ("in.hub@school.example", False)]:
        WorkhubMembership.objects.create(
            workhub=workhub, person=_member(network, email), is_lead=lead
        )
    _member(network, "not.in.hub@school.example")

    announcement = factories.make_announcement(
        network=network, audience=Audience.WORKHUB, workhub=workhub
    )

    assert _reached(announcement) == ["in.hub@school.example", "lead@school.example"]


def test_a_meeting_audience_is_those_going_and_waiting_not_those_who_cancelled(network):
    meeting = factories.make_meeting(network=network, capacity=1)
    for email, status in [
        ("going@school.example", Registration.Status.GOING),
        ("waiting@school.example", Registration.Status.WAITING),
        ("cancelled@school.example", Registration.Status.CANCELLED),
    ]:
        factories.make_registration(
            meeting=meeting, person=factories.make_user(email=email), status=status
        )
    other_meeting = factories.make_meeting(network=network)
    factories.make_registration(
        meeting=other_meeting, person=factories.make_user(email="other@school.example")
    )

    announcement = factories.make_announcement(
        network=network, audience=Audience.MEETING, meeting=meeting
    )

    assert _reached(announcement) == ["going@school.example", "waiting@school.example"]


def test_a_deleted_meeting_leaves_nobody_to_tell(network):
    meeting = factories.make_meeting(network=network)
    factories.make_registration(meeting=meeting, person=factories.make_user())
    announcement = factories.make_announcement(
        network=network, audience=Audience.MEETING, meeting=meeting
    )

    meeting.delete()
    announcement.refresh_from_db()

    assert _reached(announcement) == []


def test_the_seat_holders_are_the_heads_holding_live_school_seats(network):
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    seated = factories.make_head(email="seated@school.example")
    factories.make_membership(person=seated, network=network, school=seated.posts.get().school)
    _member(network, "no.seat@school.example")  # an administrator's own membership, say
    waiting = factories.make_head(email="pending.seat@school.example")
    factories.make_membership(
        person=waiting, network=network, school=waiting.posts.get().school,
        status=Membership.Status.PENDING,
    )  # fmt: skip

    announcement = factories.make_announcement(network=network, audience=Audience.SEAT_HOLDERS)

    assert _reached(announcement) == ["seated@school.example"]


def _people_of_every_kind(network, *, copies=1):
    """`copies` people of each preference, and as many whose address is stopped."""
    for number in range(copies):
        for choice in Choice.values:
            person = _member(network, f"{choice}.{number}@school.example")
            if choice != Choice.EVERY or number % 2:  # both a row and no row mean "every"
                set_preference(person=person, network=network, choice=choice)
        stopped = _member(network, f"stopped.{number}@school.example")
        suppression.record_complaint(stopped.email)
        stopped_digest = _member(network, f"stopped.digest.{number}@school.example")
        set_preference(person=stopped_digest, network=network, choice=Choice.DIGEST)
        suppression.record_complaint(stopped_digest.email)


def test_the_reach_counts_each_way_an_announcement_goes(network, other_network):
    _people_of_every_kind(network)
    # A preference for another network changes nothing here.
    elsewhere = _member(network, "elsewhere@school.example")
    set_preference(person=elsewhere, network=other_network, choice=Choice.NONE)

    ordinary = factories.make_announcement(network=network)
    urgent = factories.make_announcement(network=network, is_urgent=True)

    # every, elsewhere: at once; digest: in the digest; urgent only, none: not wanted;
    # the two stopped addresses: suppressed.
    assert reach(ordinary) == Reach(people=7, at_once=2, in_digest=1, not_wanted=2, suppressed=2)
    # Urgent: it goes at once to those who chose the digest or urgent ones only.
    assert reach(urgent) == Reach(people=7, at_once=4, in_digest=0, not_wanted=1, suppressed=2)


def test_the_reach_needs_no_saved_announcement(network):
    _member(network, "one@school.example")

    unsaved = Announcement(network=network, audience=Audience.NETWORK, subject="Draft")

    assert reach(unsaved).at_once == 1


@pytest.mark.parametrize("copies", [1, 15])
def test_the_reach_is_one_query_however_many_people(network, copies, django_assert_num_queries):
    _people_of_every_kind(network, copies=copies)
    announcement = factories.make_announcement(network=network)

    with django_assert_num_queries(1):
        counted = reach(announcement)

    assert counted == Reach(
        people=6 * copies, at_once=copies, in_digest=copies, not_wanted=2 * copies,
        suppressed=2 * copies,
    )  # fmt: skip
