"""Networks' own rules: sub-groups in Network.clean, who coordinates, and inviting members."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import Post, School
from networks import access, services
from networks.models import Invitation, Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db

NOT_ACTIVE = [
    Membership.Status.PENDING,
    Membership.Status.LEFT,
    Membership.Status.DECLINED,
    Membership.Status.LAPSED,
]


# Network.clean: the rules the admin's form shows next to the field.


def _errors(network: Network) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        network.full_clean()
    return raised.value.message_dict


def test_only_a_sub_group_can_require_parent_membership(network):
    network.requires_parent_membership = True

    assert _errors(network) == {
        "requires_parent_membership": ["Only a sub-group can require parent membership."]
    }


def test_a_network_cannot_be_its_own_parent(network):
    network.parent = network

    assert _errors(network) == {"parent": ["A network cannot be its own parent."]}


def test_unknown_sectors_are_refused(network):
    network.eligible_sectors = [School.Sector.PRIMARY, "grammar"]

    assert _errors(network) == {"eligible_sectors": ["Unknown sectors: ['grammar']"]}


def test_unknown_roles_are_refused(network):
    network.eligible_roles = [Post.Role.HEADTEACHER, "caretaker", "bursar"]

    assert _errors(network) == {"eligible_roles": ["Unknown roles: ['bursar', 'caretaker']"]}


def test_a_sub_group_requiring_parent_membership_is_valid(network):
    subgroup = factories.make_network(
        name="Oxfordshire Primary Heads: SEND", parent=network, requires_parent_membership=True
    )

    subgroup.full_clean()  # raises if refused

    assert list(network.subgroups.all()) == [subgroup]


# Coordinating needs an active membership, not just the role.


@pytest.mark.parametrize("status", NOT_ACTIVE)
@pytest.mark.parametrize("role", [Membership.Role.COORDINATOR, Membership.Role.ADMINISTRATOR])
def test_a_coordinator_or_administrator_who_is_not_active_cannot_coordinate(network, role, status):
    person = factories.make_head()
    membership = factories.make_membership(person=person, network=network, role=role, status=status)

    assert not membership.can_coordinate
    assert not membership.can_administer
    perms = access.for_network(person, network)
    assert not perms.can_coordinate
    assert not perms.can_administer


def test_an_active_coordinator_coordinates_but_does_not_administer(coordinator, network):
    membership = Membership.objects.get(person=coordinator, network=network)

    assert membership.can_coordinate
    assert not membership.can_administer
    perms = access.for_network(coordinator, network)
    assert perms.can_coordinate
    assert not perms.can_administer


def test_an_active_administrator_coordinates_and_administers(administrator, network):
    membership = Membership.objects.get(person=administrator, network=network)

    assert membership.can_coordinate
    assert membership.can_administer
    perms = access.for_network(administrator, network)
    assert perms.can_coordinate
    assert perms.can_administer


def test_site_staff_coordinate_every_network_without_a_membership(staff, network):
    assert not staff.memberships.exists()
    perms = access.for_network(staff, network)
    assert perms.can_coordinate
    assert perms.can_administer


def test_coordinating_another_network_does_not_count(outsider_coordinator, network):
    assert not access.for_network(outsider_coordinator, network).can_coordinate


# Inviting someone who is already in the network.


@pytest.mark.parametrize("status", [Membership.Status.ACTIVE, Membership.Status.PENDING])
def test_inviting_a_live_member_is_refused_and_sends_nothing(network, administrator, status):
    person = factories.make_head(email="already@school.example")
    factories.make_membership(person=person, network=network, status=status)
    mail.outbox.clear()

    # Addresses are compared in lower case, as they are stored.
    with pytest.raises(ValidationError) as raised:
        services.invite(network=network, email=" Already@School.example ", by=administrator)

    assert raised.value.messages == [
        "already@school.example is already a member of Oxfordshire Primary Heads."
    ]
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_someone_who_left_can_be_invited_back(network, administrator):
    person = factories.make_head(email="former@school.example")
    factories.make_membership(person=person, network=network, status=Membership.Status.LEFT)
    mail.outbox.clear()

    services.invite(network=network, email=person.email, by=administrator)

    assert [message.to for message in mail.outbox] == [["former@school.example"]]


def test_the_invite_page_says_the_person_is_already_a_member_and_sends_nothing(
    client, network, administrator, member
):
    client.force_login(administrator)
    mail.outbox.clear()

    response = client.post(
        reverse("networks:invite", args=[network.slug]), {"email": member.email}, follow=True
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "member@school.example is already a member of Oxfordshire Primary Heads." in page
    assert "An invitation has been sent" not in page
    assert mail.outbox == []
    assert not network.invitations.exists()
