"""The audit trail: each audited change says who, when and from what to what; nobody edits
it; it outlives a closed account without the person's name."""

import pytest
from django.urls import reverse

from core import audit
from core.models import AuditEvent
from meetings import services as meeting_services
from meetings.models import Meeting
from members import services as member_services
from members.models import Post
from networks import services
from networks.models import Membership, Network
from portal import services as portal_services
from tests import factories

pytestmark = pytest.mark.django_db


def _last(obj):
    return AuditEvent.objects.for_object(obj).first()


def test_approving_a_request_records_who_and_from_what_to_what(network, administrator):
    applicant = factories.make_head(first_name="Ann", last_name="Applicant")
    membership = factories.make_membership(person=applicant, network=network, status="pending")

    services.approve_membership(membership=membership, by=administrator)

    event = _last(membership)
    assert event.action == "membership.approved"
    assert event.actor == administrator
    assert event.subject_label == "Ann Applicant"
    assert event.network_id == network.pk
    assert event.change_lines == ["Status: Pending approval → Active"]


def test_declining_records_the_reason(network, administrator):
    membership = factories.make_membership(
        person=factories.make_head(), network=network, status="pending"
    )

    services.decline_membership(membership=membership, by=administrator, reason="Not a head")

    # A set: PostgreSQL's jsonb keeps keys in its own order.
    assert set(_last(membership).change_lines) == {
        "Status: Pending approval → Declined",
        "Reason: (empty) → Not a head",
    }


def test_a_role_change_is_recorded_and_setting_the_same_role_records_nothing(
    network, administrator, member
):
    membership = Membership.objects.get(person=member, network=network)

    services.set_role(membership=membership, role="coordinator", by=administrator)
    services.set_role(membership=membership, role="coordinator", by=administrator)

    events = list(AuditEvent.objects.for_object(membership))
    assert len(events) == 1
    assert events[0].change_lines == ["Role: Member → Coordinator"]
    assert events[0].actor_label == administrator.get_full_name()


def test_joining_and_leaving_are_recorded_as_the_persons_own(network, head):
    membership = services.join_network(person=head, network=network)
    services.leave_network(person=head, network=network)

    actions = [event.action for event in AuditEvent.objects.for_object(membership)]
    assert actions == ["membership.left", "membership.joined"]
    assert all(event.actor == head for event in AuditEvent.objects.for_object(membership))


def test_a_lapse_by_the_daily_reconcile_is_recorded_as_headnets(head):
    network = factories.make_network(join_policy=Network.JoinPolicy.AUTOMATIC)
    services.sync_automatic_memberships(person=head)
    membership = Membership.objects.get(person=head, network=network)
    post = head.posts.get()
    head.posts.update(ended_on=post.started_on)

    services.sync_automatic_memberships(person=head)

    event = _last(membership)
    assert event.action == "membership.lapsed"
    assert event.actor_label == "Headnet"
    assert event.change_lines == ["Status: Active → Lapsed"]


def test_deciding_a_claimed_post_is_recorded(staff):
    claimant = factories.make_user(first_name="Cal", last_name="Claimant")
    post = factories.make_post(person=claimant, verified=False)

    member_services.verify_post(post=post, how=Post.How.SITE_STAFF, by=staff)

    event = _last(post)
    assert event.action == "post.verified"
    assert event.actor == staff
    assert event.change_lines == ["Verification: Not yet confirmed → Confirmed"]
    assert "Cal" not in event.object_repr  # names live only where closure can remove them


def test_a_meetings_publication_change_and_cancellation_are_recorded(network, coordinator):
    meeting = factories.make_meeting(network=network, state=Meeting.State.DRAFT, title="Autumn")

    meeting_services.publish_meeting(meeting=meeting, by=coordinator)
    meeting_services.update_meeting(meeting=meeting, changes={"title": "Autumn meeting"},
                                    by=coordinator)  # fmt: skip
    meeting_services.cancel_meeting(meeting=meeting, reason="Snow", by=coordinator)

    events = list(AuditEvent.objects.for_object(meeting))
    assert [event.action for event in events] == [
        "meeting.cancelled",
        "meeting.changed",
        "meeting.published",
    ]
    assert events[2].change_lines == ["State: Draft → Published"]
    assert events[1].change_lines == ["Title: Autumn → Autumn meeting"]
    assert "State: Published → Cancelled" in events[0].change_lines
    assert {event.network_id for event in events} == {network.pk}


def test_a_network_setting_changed_in_the_admin_is_recorded(client, administrator, network):
    client.force_login(administrator)
    page = client.get(reverse("admin:networks_network_change", args=[network.pk]))
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data |= {
        "summary": "Primary heads, together",
        "join_policy": Network.JoinPolicy.APPROVAL,
        "purposes-TOTAL_FORMS": "0",
        "purposes-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("admin:networks_network_change", args=[network.pk]), data)

    assert response.status_code == 302
    event = _last(network)
    assert event.actor == administrator
    assert (
        "Join policy: Open: eligible people join at once → "
        "Approval: an administrator approves each request"
    ) in event.change_lines
    assert "Summary: (empty) → Primary heads, together" in event.change_lines
    page = client.get(reverse("admin:networks_network_change", args=[network.pk]))
    assert "Summary: (empty) → Primary heads, together" in page.content.decode()


def test_the_history_page_shows_this_networks_events_only(
    client, administrator, network, other_network, member
):
    membership = Membership.objects.get(person=member, network=network)
    services.set_role(membership=membership, role="coordinator", by=administrator)
    elsewhere = factories.make_membership(
        person=factories.make_head(), network=other_network, status="pending"
    )
    services.approve_membership(membership=elsewhere, by=administrator)
    client.force_login(administrator)

    page = client.get(reverse("networks:history", args=[network.slug])).content.decode()

    assert "Role: Member → Coordinator" in page
    assert "Request approved" not in page


def test_nobody_can_add_change_or_delete_an_event_in_the_admin(client, staff, network):
    event = audit.record(obj=network, action="x", summary="Original", network_id=network.pk)
    client.force_login(staff)

    client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {"summary": "Forged"})
    client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"})
    added = client.get(reverse("admin:core_auditevent_add"))

    event.refresh_from_db()
    assert event.summary == "Original"
    assert added.status_code == 403


def test_an_administrator_lists_only_their_networks_events_in_the_admin(
    client, administrator, network, other_network
):
    mine = factories.make_membership(person=factories.make_head(), network=network,
                                     status="pending")  # fmt: skip
    theirs = factories.make_membership(person=factories.make_head(), network=other_network,
                                       status="pending")  # fmt: skip
    services.approve_membership(membership=mine, by=administrator)
    services.approve_membership(membership=theirs, by=administrator)
    client.force_login(administrator)

    response = client.get(reverse("admin:core_auditevent_changelist"))
    shown = {event.network_id for event in response.context["cl"].result_list}
    other = _last(theirs)

    assert shown == {network.pk}
    assert client.get(reverse("admin:core_auditevent_change", args=[other.pk])).status_code != 200


def test_closing_an_account_keeps_the_events_without_the_persons_name(network, administrator):
    leaving = factories.make_head(first_name="Lee", last_name="Leaving")
    membership = services.join_network(person=leaving, network=network)
    services.set_role(membership=membership, role="coordinator", by=administrator)

    portal_services.close_account(person=leaving)

    events = AuditEvent.objects.for_network(network.pk)
    # Joined, made coordinator, and left on closing the account (end_membership).
    assert events.count() == 3
    assert all("Lee" not in f"{e.actor_name}{e.subject_name}{e.summary}" for e in events)
    joined = events.get(action="membership.joined")
    assert joined.actor_label == "Former member"
