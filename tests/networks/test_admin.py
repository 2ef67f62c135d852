"""The networks admin changes state only through the services (docs/architecture.md,
"Services: the only door for a change of state"): a membership's page is read-only and
its actions call the services; places in a workhub are made by the services, naming
people only among the network's members."""

import pytest
from django.core import mail
from django.urls import reverse

from core.models import AuditEvent
from networks import services
from networks.models import Membership, WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, administrator):
    administrator.refresh_from_db()
    assert administrator.is_staff  # their role opened the admin site
    client.force_login(administrator)
    return client


def _membership_form(membership, **changes) -> dict:
    return {
        "person": membership.person_id,
        "network": membership.network_id,
        "school": "",
        "status": membership.status,
        "role": membership.role,
        "requested_at_0": "2026-01-01",
        "requested_at_1": "09:00:00",
        "decline_reason": "",
    } | changes


@pytest.mark.parametrize("who", ["administrator", "staff"])
def test_a_memberships_page_in_the_admin_writes_no_status_or_role(
    client, request, who, member, network
):
    user = request.getfixturevalue(who)
    user.refresh_from_db()
    client.force_login(user)
    membership = Membership.objects.get(person=member, network=network)
    url = reverse("admin:networks_membership_change", args=[membership.pk])

    page = client.get(url).content.decode()
    client.post(url, _membership_form(membership, status="left", role="administrator"))

    assert 'name="status"' not in page
    assert 'name="role"' not in page
    membership.refresh_from_db()
    assert (membership.status, membership.role) == (Membership.Status.ACTIVE, "member")
    member.refresh_from_db()
    assert not member.is_staff


def test_memberships_are_neither_added_nor_deleted_in_the_admin(admin_client, member, network):
    membership = Membership.objects.get(person=member, network=network)

    add = admin_client.get(reverse("admin:networks_membership_add"))
    delete = admin_client.post(
        reverse("admin:networks_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    listing = admin_client.get(reverse("admin:networks_membership_changelist")).content.decode()

    assert (add.status_code, delete.status_code) == (403, 403)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "delete_selected" not in listing
    assert "end_memberships" in listing


def test_an_administrator_ends_a_membership_with_the_admin_action(
    admin_client, administrator, member, network, outsider_member, other_network
):
    membership = Membership.objects.get(person=member, network=network)
    workhub = factories.make_workhub(network=network)
    services.join_workhub(person=member, workhub=workhub)
    outsiders = Membership.objects.get(person=outsider_member, network=other_network)
    mail.outbox.clear()

    response = admin_client.post(
        reverse("admin:networks_membership_changelist"),
        {"action": "end_memberships", "_selected_action": [membership.pk, outsiders.pk]},
        follow=True,
    )

    assert "1 membership(s) ended." in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REMOVED
    assert not WorkhubMembership.objects.filter(person=member).exists()
    outsiders.refresh_from_db()
    assert outsiders.is_active  # another network's: not theirs to end
    [email] = mail.outbox
    assert email.to == [member.email]
    assert f"An administrator of {network.name} has ended your membership" in email.body
    event = AuditEvent.objects.get(action="membership.removed")
    assert (event.actor, event.object_id) == (administrator, membership.pk)


# Places in a workhub: named by address among the network's members, saved by services.


def _workhub_form(workhub, *rows) -> dict:
    """The workhub's change form, with its existing places and the rows given."""
    places = list(workhub.memberships.all())
    data = {
        "network": workhub.network_id,
        "academic_year": workhub.academic_year,
        "name": workhub.name,
        "slug": workhub.slug,
        "priority_area": "",
        "description": "",
        "memberships-TOTAL_FORMS": str(len(places) + len(rows)),
        "memberships-INITIAL_FORMS": str(len(places)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for number, place in enumerate(places):
        data[f"memberships-{number}-id"] = place.pk
        data[f"memberships-{number}-workhub"] = workhub.pk
        if place.is_lead:
            data[f"memberships-{number}-is_lead"] = "on"
    for number, row in enumerate(rows, start=len(places)):
        data[f"memberships-{number}-workhub"] = workhub.pk
        data |= {f"memberships-{number}-{key}": value for key, value in row.items()}
    return data


def _change_workhub(client, workhub, *rows):
    url = reverse("admin:networks_workhub_change", args=[workhub.pk])
    return client.post(url, _workhub_form(workhub, *rows), follow=True)


def test_a_strangers_name_never_appears_to_a_network_administrator_naming_them(
    admin_client, network
):
    workhub = factories.make_workhub(network=network)
    stranger = factories.make_user(
        email="stranger@elsewhere.example", first_name="Sable", last_name="Stranger"
    )

    by_id = _change_workhub(admin_client, workhub, {"person": stranger.pk, "email": "x"})
    by_email = _change_workhub(admin_client, workhub, {"email": stranger.email})

    for response in (by_id, by_email):
        page = response.content.decode()
        assert "Stranger" not in page
        assert "Sable" not in page
    assert "Nobody with that address is a member of this network." in by_email.content.decode()
    assert not WorkhubMembership.objects.filter(person=stranger).exists()


def test_an_administrator_places_a_member_in_a_workhub_by_address_and_makes_them_lead(
    admin_client, network, member
):
    workhub = factories.make_workhub(network=network)

    _change_workhub(admin_client, workhub, {"email": member.email.upper()})
    place = WorkhubMembership.objects.get(workhub=workhub)
    assert (place.person, place.is_lead) == (member, False)

    data = _workhub_form(workhub)
    data["memberships-0-is_lead"] = "on"
    admin_client.post(reverse("admin:networks_workhub_change", args=[workhub.pk]), data)
    place.refresh_from_db()
    assert place.is_lead

    data = _workhub_form(workhub) | {"memberships-0-DELETE": "on"}
    admin_client.post(reverse("admin:networks_workhub_change", args=[workhub.pk]), data)
    assert not WorkhubMembership.objects.filter(workhub=workhub).exists()


def test_an_administrator_withdraws_an_open_invitation_but_an_accepted_one_stays(
    admin_client, administrator, network, head
):
    open_one = services.invite(network=network, email="new.head@school.example", by=administrator)
    accepted = services.invite(network=network, email=head.email, by=administrator)
    services.join_network(person=head, network=network)

    for invitation in (open_one, accepted):
        admin_client.post(
            reverse("admin:networks_invitation_delete", args=[invitation.pk]), {"post": "yes"}
        )

    assert list(network.invitations.all()) == [accepted]
