"""Roles go through services.set_role: admin-site access follows the administrator role."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from networks import services
from networks.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def _membership(person, network):
    return Membership.objects.get(person=person, network=network)


def test_making_a_member_administrator_opens_the_admin_site_and_tells_them(
    client, member, network, staff
):
    services.set_role(
        membership=_membership(member, network), role=Membership.Role.ADMINISTRATOR, by=staff
    )

    member.refresh_from_db()
    assert member.is_staff
    client.force_login(member)
    assert client.get(reverse("admin:networks_membership_changelist")).status_code == 200
    (email,) = mail.outbox
    assert email.to == [member.email]
    assert "administrator" in email.subject.lower()
    assert "from member to administrator" in email.body


def test_withdrawing_the_last_administrator_role_closes_the_admin_site(
    client, administrator, network, staff
):
    services.set_role(
        membership=_membership(administrator, network), role=Membership.Role.MEMBER, by=staff
    )

    administrator.refresh_from_db()
    assert not administrator.is_staff
    client.force_login(administrator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302  # to the admin's sign-in, not the site
    assert reverse("admin:login") in response.url


def test_administrator_of_another_network_keeps_the_admin_site(
    administrator, network, other_network, staff
):
    factories.make_membership(
        person=administrator, network=other_network, role=Membership.Role.ADMINISTRATOR
    )
    services.sync_admin_site_access(administrator)

    services.set_role(
        membership=_membership(administrator, network), role=Membership.Role.MEMBER, by=staff
    )

    administrator.refresh_from_db()
    assert administrator.is_staff


def test_site_staff_keep_the_admin_site_whatever_their_roles(network, staff):
    membership = factories.make_membership(
        person=staff, network=network, role=Membership.Role.ADMINISTRATOR
    )

    services.set_role(membership=membership, role=Membership.Role.MEMBER, by=staff)

    staff.refresh_from_db()
    assert staff.is_staff and staff.is_superuser


def test_an_administrator_who_leaves_loses_the_admin_site(administrator, network, staff):
    services.sync_admin_site_access(administrator)
    administrator.refresh_from_db()
    assert administrator.is_staff

    services.leave_network(person=administrator, network=network)

    administrator.refresh_from_db()
    assert not administrator.is_staff


def test_only_an_active_member_can_be_given_a_role(head, network, staff):
    pending = factories.make_membership(
        person=head, network=network, status=Membership.Status.PENDING
    )

    with pytest.raises(ValidationError):
        services.set_role(membership=pending, role=Membership.Role.COORDINATOR, by=staff)

    pending.refresh_from_db()
    assert pending.role == Membership.Role.MEMBER
    assert mail.outbox == []


def test_setting_the_role_a_person_already_has_sends_nothing(coordinator, network, staff):
    services.set_role(
        membership=_membership(coordinator, network), role=Membership.Role.COORDINATOR, by=staff
    )

    assert mail.outbox == []


def test_admin_role_actions_touch_only_active_memberships(
    client, administrator, member, head, network
):
    services.sync_admin_site_access(administrator)
    pending = factories.make_membership(
        person=head, network=network, status=Membership.Status.PENDING
    )
    active = _membership(member, network)
    client.force_login(administrator)

    response = client.post(
        reverse("admin:networks_membership_changelist"),
        {"action": "make_administrator", "_selected_action": [active.pk, pending.pk]},
        follow=True,
    )

    assert response.status_code == 200
    active.refresh_from_db()
    pending.refresh_from_db()
    member.refresh_from_db()
    assert active.role == Membership.Role.ADMINISTRATOR
    assert member.is_staff  # made administrator through the admin: can open the admin site
    assert pending.role == Membership.Role.MEMBER
    assert "1 not active" in response.content.decode()
