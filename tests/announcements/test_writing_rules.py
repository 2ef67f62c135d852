"""Who may write to which audience and read what (announcements.access), and the rules
of the thing itself (announcements.services): tested directly, from both sides."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from announcements import access, services
from announcements.models import Announcement
from core.models import AuditEvent
from networks import access as network_access
from networks.models import Network, WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db

A = Announcement.Audience
S = Announcement.State


@pytest.fixture
def workhub(network):
    return factories.make_workhub(network=network, name="SEND")


@pytest.fixture
def lead(network, workhub):
    """An ordinary member who leads the network's SEND workhub."""
    person = factories.make_head(email="lead@school.example")
    factories.make_membership(person=person, network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=person, is_lead=True)
    return person


def _access(user, network):
    return access.for_network(user, network)


# Writing ---------------------------------------------------------------------------


def test_coordinators_and_staff_may_write_to_every_audience_of_their_network(
    network, coordinator, administrator, staff
):
    for person in (coordinator, administrator, staff):
        writer = _access(person, network)
        assert writer.can_write
        assert [value for value, _ in writer.audiences()] == [
            A.NETWORK,
            A.SUBGROUP,
            A.WORKHUB,
            A.MEETING,
            A.ATTENDED,
            A.NO_SHOWS,
        ]


def test_the_seat_holders_are_an_audience_only_of_a_school_based_network(network, coordinator):
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    network.refresh_from_db()
    assert A.SEAT_HOLDERS in dict(_access(coordinator, network).audiences())


def test_a_workhub_lead_may_write_only_to_their_own_workhub(network, workhub, lead):
    other = factories.make_workhub(network=network, name="Finance")
    writer = _access(lead, network)

    assert writer.can_write
    assert not writer.can_write_to_anyone
    assert [value for value, _ in writer.audiences()] == [A.WORKHUB]
    assert list(writer.workhubs()) == [workhub]
    assert writer.may_write_to(A.WORKHUB, workhub.pk)
    assert not writer.may_write_to(A.WORKHUB, other.pk)
    assert not writer.may_write_to(A.NETWORK)
    assert not list(writer.subgroups()) and not list(writer.meetings())


def test_leading_last_year_s_workhub_or_having_left_the_network_gives_nothing_to_write(
    network, lead, workhub
):
    past = factories.make_workhub(
        network=network, name="Old", academic_year=workhub.academic_year - 1
    )
    WorkhubMembership.objects.filter(person=lead).update(workhub=past)
    assert not _access(lead, network).can_write

    WorkhubMembership.objects.filter(person=lead).update(workhub=workhub)
    lead.memberships.update(status="left")
    assert not _access(lead, network).can_write


def test_members_outsiders_and_visitors_may_write_nothing(
    network, member, head, outsider_coordinator
):
    for person in (member, head, outsider_coordinator, AnonymousUser()):
        assert not _access(person, network).can_write
        assert _access(person, network).audiences() == []
    with pytest.raises(PermissionDenied, match="Only the coordinators of"):
        access.get_access_to_write(member, network.slug)


# Reading -----------------------------------------------------------------------------


@pytest.fixture
def every_kind(network, workhub, coordinator):
    """An announcement of every audience in every state, and one of another network's."""
    subgroup = factories.make_network(name="Sub", parent=network)
    meeting = factories.make_meeting(network=network)
    targets = {A.SUBGROUP: {"subgroup": subgroup}, A.WORKHUB: {"workhub": workhub},
               A.MEETING: {"meeting": meeting}}  # fmt: skip
    made = [
        factories.make_sent_announcement(
            network=network, audience=audience, state=state, **targets.get(audience, {})
        )
        for audience, state in itertools.product(
            [A.NETWORK, A.SUBGROUP, A.WORKHUB, A.MEETING], S.values
        )
    ]
    return made


def test_the_list_rule_and_the_single_check_agree_for_everyone(
    network, every_kind, member, coordinator, staff, lead, head, outsider_member
):
    """readable_q (every list) and may_read (a page) are one rule."""
    for person in (member, coordinator, staff, lead, head, outsider_member):
        reader = _access(person, network)
        listed = set(
            Announcement.objects.filter(network=network)
            .filter(access.readable_q(reader))
            .values_list("pk", flat=True)
        )
        checked = {a.pk for a in every_kind if reader.may_read(a)}
        assert listed == checked, person.email


def test_members_read_every_sent_announcement_of_their_network_whatever_its_audience(
    network, every_kind, member
):
    reader = _access(member, network)
    shown = {(a.audience, a.state) for a in access.archive(reader)}
    assert shown == {
        (audience, state) for audience in (A.NETWORK, A.SUBGROUP, A.WORKHUB, A.MEETING)
        for state in (S.SENDING, S.SENT)
    }  # fmt: skip
    assert not access.unsent(reader).exists()


def test_a_lead_works_on_the_drafts_to_their_workhub_only(network, every_kind, lead, workhub):
    reader = _access(lead, network)
    assert {(a.audience, a.state) for a in access.unsent(reader)} == {
        (A.WORKHUB, S.DRAFT),
        (A.WORKHUB, S.SCHEDULED),
    }


def test_a_draft_is_a_404_and_a_sent_one_a_403_to_a_member_of_another_network(
    network, outsider_member, every_kind
):
    draft = next(a for a in every_kind if a.state == S.DRAFT)
    sent = next(a for a in every_kind if a.state == S.SENT)
    with pytest.raises(Http404):
        access.get_announcement_for_user(outsider_member, network.slug, draft.pk)
    with pytest.raises(PermissionDenied, match="Only members of"):
        access.get_announcement_for_user(outsider_member, network.slug, sent.pk)


def test_another_network_s_announcement_is_a_404_under_this_network_s_address(
    network, other_network, staff
):
    elsewhere = factories.make_sent_announcement(network=other_network)
    with pytest.raises(Http404):
        access.get_announcement_for_user(staff, network.slug, elsewhere.pk)


# The service: audiences ---------------------------------------------------------------


def _draft(network, author, **fields):
    values = {"subject": "Hello", "body": "News", "audience": A.NETWORK} | fields
    return services.save_draft(network=network, author=author, **values)


def test_a_draft_may_not_name_another_network_s_subgroup_workhub_or_meeting(
    network, other_network, coordinator
):
    alien_subgroup = factories.make_network(name="Alien sub", parent=other_network)
    alien_workhub = factories.make_workhub(network=other_network)
    alien_meeting = factories.make_meeting(network=other_network)
    for fields, field in (
        ({"audience": A.SUBGROUP, "subgroup": alien_subgroup}, "subgroup"),
        ({"audience": A.WORKHUB, "workhub": alien_workhub}, "workhub"),
        ({"audience": A.MEETING, "meeting": alien_meeting}, "meeting"),
        ({"audience": A.SEAT_HOLDERS}, "audience"),
    ):
        with pytest.raises(ValidationError) as refused:
            _draft(network, coordinator, **fields)
        assert field in refused.value.message_dict
    assert not Announcement.objects.exists()


def test_a_past_workhub_and_a_meeting_that_has_ended_are_not_audiences(
    network, coordinator, workhub
):
    past = factories.make_workhub(network=network, academic_year=workhub.academic_year - 1)
    ended = factories.make_meeting(
        network=network, starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    draft_meeting = factories.make_meeting(network=network, state="draft")
    with pytest.raises(ValidationError, match="workhubs of this year"):
        _draft(network, coordinator, audience=A.WORKHUB, workhub=past)
    for meeting in (ended, draft_meeting):
        with pytest.raises(ValidationError, match="published meetings still to come"):
            _draft(network, coordinator, audience=A.MEETING, meeting=meeting)


def test_a_draft_keeps_only_the_target_its_audience_names(network, coordinator, workhub):
    draft = _draft(network, coordinator, audience=A.WORKHUB, workhub=workhub)
    draft = services.update_draft(announcement=draft, by=coordinator, audience=A.NETWORK)
    assert draft.audience == A.NETWORK and draft.workhub is None


# The service: sending -------------------------------------------------------------------


def test_sending_now_sends_and_records_who_sent_it_to_which_audience(
    network, coordinator, member, workhub
):
    draft = _draft(network, coordinator, subject="Budget news")
    sent = services.send_announcement(announcement=draft, by=coordinator)

    assert sent.state == S.SENDING and sent.sent_at is not None
    event = AuditEvent.objects.get(action="announcement.sent")
    assert event.actor_id == coordinator.pk
    assert event.summary == f"Sent to everyone in {network.label}"
    assert event.network_id == network.pk
    assert event.object_repr == "Budget news"
    # The summary names the audience, never a person.
    assert coordinator.last_name not in event.summary


def test_a_time_to_come_schedules_it_and_stopping_it_makes_it_a_draft_again(
    network, coordinator, member
):
    draft = _draft(network, coordinator)
    at = timezone.now() + datetime.timedelta(days=2)
    scheduled = services.send_announcement(announcement=draft, by=coordinator, send_at=at)
    assert scheduled.state == S.SCHEDULED and scheduled.send_at == at
    assert scheduled.sent_at is None

    again = services.cancel_scheduled(announcement=scheduled, by=coordinator)
    assert again.state == S.DRAFT and again.send_at is None
    assert list(
        AuditEvent.objects.filter(object_id=draft.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["announcement.scheduled", "announcement.cancelled"]


def test_a_time_already_past_sends_it_now(network, coordinator, member):
    draft = _draft(network, coordinator)
    sent = services.send_announcement(
        announcement=draft, by=coordinator, send_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert sent.state == S.SENDING


def test_a_sent_announcement_is_not_sent_again_changed_or_discarded(network, coordinator, member):
    sent = services.send_announcement(announcement=_draft(network, coordinator), by=coordinator)
    for attempt in (
        lambda: services.send_announcement(announcement=sent, by=coordinator),
        lambda: services.update_draft(announcement=sent, by=coordinator, subject="Changed"),
        lambda: services.discard_draft(announcement=sent, by=coordinator),
    ):
        with pytest.raises(ValidationError, match="already been sent"):
            attempt()
    with pytest.raises(ValidationError, match="cannot be stopped"):
        services.cancel_scheduled(announcement=sent, by=coordinator)
    assert AuditEvent.objects.filter(action="announcement.sent").count() == 1


def test_an_empty_audience_is_refused_with_a_clear_message(network, coordinator, workhub):
    draft = _draft(network, coordinator, audience=A.WORKHUB, workhub=workhub)
    with pytest.raises(ValidationError, match="Nobody is in this announcement's audience yet"):
        services.send_announcement(announcement=draft, by=coordinator)
    draft.refresh_from_db()
    assert draft.state == S.DRAFT
    assert not AuditEvent.objects.filter(action__startswith="announcement.").exists()


def test_the_sender_is_the_author_of_record(network, coordinator, administrator, member):
    draft = _draft(network, coordinator)
    sent = services.send_announcement(announcement=draft, by=administrator)
    assert sent.author == administrator


def test_discarding_a_draft_deletes_it_and_leaves_a_record(network, coordinator):
    draft = _draft(network, coordinator)
    services.discard_draft(announcement=draft, by=coordinator)
    assert not Announcement.objects.exists()
    assert AuditEvent.objects.get(action="announcement.discarded").actor_id == coordinator.pk


def test_the_lead_lookup_costs_a_member_one_query_and_a_coordinator_none(
    network, member, coordinator, django_assert_num_queries
):
    member_perms = network_access.for_network(member, network)
    coordinator_perms = network_access.for_network(coordinator, network)
    with django_assert_num_queries(1):
        access.with_perms(member, member_perms)
    with django_assert_num_queries(0):
        access.with_perms(coordinator, coordinator_perms)
