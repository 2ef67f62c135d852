"""The admin site shows a network's administrators only their own networks."""

import pytest
from django.core import mail
from django.urls import reverse

from networks.models import Membership, Network
from tests.factories import make_head, make_la, make_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for(client):
    def sign_in(person):
        person.is_staff = True
        person.save(update_fields=["is_staff"])
        client.force_login(person)
        return client

    return sign_in


@pytest.fixture
def pending(network):
    return make_membership(person=make_head(), network=network, status=Membership.Status.PENDING)


@pytest.fixture
def other_pending(other_network):
    return make_membership(
        person=make_head(), network=other_network, status=Membership.Status.PENDING
    )


def test_network_administrator_sees_only_their_networks_memberships(
    admin_client_for, administrator, pending, other_pending
):
    client = admin_client_for(administrator)

    response = client.get(reverse("admin:networks_membership_changelist"))

    assert response.status_code == 200
    shown = {membership.pk for membership in response.context["cl"].result_list}
    assert pending.pk in shown
    assert other_pending.pk not in shown


def test_network_administrator_cannot_open_another_networks_membership(
    admin_client_for, administrator, other_pending
):
    client = admin_client_for(administrator)

    url = reverse("admin:networks_membership_change", args=[other_pending.pk])
    response = client.get(url)

    # The admin treats an object outside the user's queryset as missing.
    assert response.status_code in {302, 403, 404}
    assert other_pending.person.email not in response.content.decode()


def test_administrator_of_another_network_cannot_change_this_network(
    admin_client_for, outsider_administrator, network
):
    client = admin_client_for(outsider_administrator)

    response = client.post(
        reverse("admin:networks_network_change", args=[network.pk]), {"name": "Hijacked"}
    )

    network.refresh_from_db()
    assert network.name != "Hijacked"
    assert response.status_code in {302, 403, 404}


def test_staff_account_without_a_network_sees_no_network_data(admin_client_for, head, pending):
    client = admin_client_for(head)

    assert client.get(reverse("admin:networks_membership_changelist")).status_code == 403
    index = client.get(reverse("admin:index"))
    assert "Memberships" not in index.content.decode()


def test_coordinator_with_admin_access_is_not_an_administrator(
    admin_client_for, coordinator, pending
):
    client = admin_client_for(coordinator)

    assert client.get(reverse("admin:networks_membership_changelist")).status_code == 403


def test_administrator_approves_requests_in_the_admin_and_people_are_emailed(
    admin_client_for, administrator, pending, other_pending
):
    client = admin_client_for(administrator)

    client.post(
        reverse("admin:networks_membership_changelist"),
        {"action": "approve", "_selected_action": [pending.pk, other_pending.pk]},
    )

    pending.refresh_from_db()
    other_pending.refresh_from_db()
    assert pending.status == Membership.Status.ACTIVE
    assert pending.decided_by == administrator
    assert other_pending.status == Membership.Status.PENDING  # not theirs to decide
    assert [message.to for message in mail.outbox] == [[pending.person.email]]


def test_administrator_makes_a_member_a_coordinator(admin_client_for, administrator, member):
    client = admin_client_for(administrator)
    membership = Membership.objects.get(person=member)

    client.post(
        reverse("admin:networks_membership_changelist"),
        {"action": "make_coordinator", "_selected_action": [membership.pk]},
    )

    membership.refresh_from_db()
    assert membership.role == Membership.Role.COORDINATOR


def test_network_administrator_edits_their_network_but_cannot_add_networks(
    admin_client_for, administrator, network
):
    client = admin_client_for(administrator)

    assert client.get(reverse("admin:networks_network_add")).status_code == 403
    page = client.get(reverse("admin:networks_network_change", args=[network.pk]))
    assert page.status_code == 200


def test_site_staff_see_every_network(admin_client_for, staff, pending, other_pending):
    client = admin_client_for(staff)

    response = client.get(reverse("admin:networks_membership_changelist"))

    shown = {membership.pk for membership in response.context["cl"].result_list}
    assert {pending.pk, other_pending.pk} <= shown


# Who a network reaches (join policy "automatic", open to all, areas) is site staff's
# to set (issue 10, finding 2): the daily reconcile enrols whoever those let in.


def _change_form(network, **changes):
    """Everything the network's change form posts, with the changes made."""
    data = {
        "name": network.name,
        "short_name": network.short_name,
        "slug": network.slug,
        "kind": network.kind,
        "summary": network.summary,
        "about": network.about,
        "meeting_rhythm": network.meeting_rhythm,
        "eligible_sectors": network.eligible_sectors,
        "eligible_roles": network.eligible_roles,
        "audience": network.audience,
        "join_policy": network.join_policy,
        "basis": network.basis,
        "member_list_visibility": network.member_list_visibility,
        "areas": [area.pk for area in network.areas.all()],
        "purposes-TOTAL_FORMS": "0",
        "purposes-INITIAL_FORMS": "0",
        "purposes-MIN_NUM_FORMS": "0",
        "purposes-MAX_NUM_FORMS": "1000",
    }
    return data | changes


def test_network_administrator_cannot_make_their_network_automatic_or_open_to_all(
    admin_client_for, administrator, network
):
    client = admin_client_for(administrator)
    url = reverse("admin:networks_network_change", args=[network.pk])
    page = client.get(url).content.decode()
    assert 'value="automatic"' not in page

    essex = make_la(code="881", name="Essex")
    response = client.post(
        url,
        _change_form(
            network,
            summary="Crafted",
            join_policy=Network.JoinPolicy.AUTOMATIC,
            open_to_all="on",
            areas=[essex.pk],
        ),
    )

    network.refresh_from_db()
    assert network.join_policy == Network.JoinPolicy.OPEN
    assert not network.open_to_all
    assert [area.code for area in network.areas.all()] == ["931"]
    assert response.status_code == 200  # the form is shown again: "automatic" is no choice
    assert network.summary != "Crafted"


def test_network_administrator_changes_the_rest_but_not_the_reach(
    admin_client_for, administrator, network
):
    client = admin_client_for(administrator)
    essex = make_la(code="881", name="Essex")

    response = client.post(
        reverse("admin:networks_network_change", args=[network.pk]),
        _change_form(
            network,
            summary="Primary heads, together",
            join_policy=Network.JoinPolicy.APPROVAL,
            open_to_all="on",
            areas=[essex.pk],
        ),
    )

    assert response.status_code == 302
    network.refresh_from_db()
    assert network.summary == "Primary heads, together"
    assert network.join_policy == Network.JoinPolicy.APPROVAL
    assert not network.open_to_all  # read-only for them: the posted value is ignored
    assert [area.code for area in network.areas.all()] == ["931"]


def test_an_automatic_networks_administrator_cannot_change_its_join_policy(
    admin_client_for, administrator, network
):
    Network.objects.filter(pk=network.pk).update(join_policy=Network.JoinPolicy.AUTOMATIC)
    network.refresh_from_db()
    client = admin_client_for(administrator)

    client.post(
        reverse("admin:networks_network_change", args=[network.pk]),
        _change_form(network, join_policy=Network.JoinPolicy.OPEN),
    )

    network.refresh_from_db()
    assert network.join_policy == Network.JoinPolicy.AUTOMATIC


def test_site_staff_set_join_policy_open_to_all_and_areas(admin_client_for, staff, network):
    client = admin_client_for(staff)
    essex = make_la(code="881", name="Essex")

    response = client.post(
        reverse("admin:networks_network_change", args=[network.pk]),
        _change_form(
            network,
            join_policy=Network.JoinPolicy.AUTOMATIC,
            open_to_all="on",
            areas=[essex.pk],
        ),
    )

    assert response.status_code == 302
    network.refresh_from_db()
    assert network.join_policy == Network.JoinPolicy.AUTOMATIC
    assert network.open_to_all
    assert [area.code for area in network.areas.all()] == ["881"]
