"""Who gets into the office, and what the people kept out see and cannot change
(docs/permissions.md, "The network office")."""

import re

import pytest
from django.urls import reverse

from core.models import AuditEvent
from networks.models import Membership
from tests import factories

from .conftest import approve, change_role, seat

pytestmark = pytest.mark.django_db


def _office(network, name="office:home", *args):
    return reverse(name, args=[network.slug, *args])


def test_a_member_is_told_who_may_open_the_office(client, member, network):
    client.force_login(member)

    response = client.get(_office(network))

    assert response.status_code == 403
    text = response.content.decode()
    assert f"Only the administrators and coordinators of {network.name} can open" in text
    assert "Waiting work" not in text


def test_a_visitor_is_asked_to_sign_in(client, network):
    response = client.get(_office(network))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_unknown_network_has_no_office(client, administrator):
    client.force_login(administrator)

    assert client.get(reverse("office:home", args=["no-such-network"])).status_code == 404


def test_another_network_s_administrator_gets_nothing_here(
    client, outsider_administrator, school_network
):
    request = seat(school_network, status=Membership.Status.PENDING)
    client.force_login(outsider_administrator)

    home = client.get(_office(school_network))
    listing = client.get(_office(school_network, "office:members"))
    export = client.get(_office(school_network, "office:members_export"))
    approved = approve(client, school_network, request)

    assert [home.status_code, listing.status_code, export.status_code] == [403, 403, 403]
    assert approved.status_code == 403
    request.refresh_from_db()
    assert request.status == Membership.Status.PENDING
    assert request.person.get_full_name() not in listing.content.decode()
    assert not AuditEvent.objects.filter(action="membership.approved").exists()


def test_an_administrator_cannot_reach_another_network_s_member_through_their_own_office(
    client, administrator, network, other_network, outsider_member
):
    elsewhere = Membership.objects.get(person=outsider_member, network=other_network)
    client.force_login(administrator)

    response = change_role(client, network, elsewhere, "administrator")

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.role == Membership.Role.MEMBER


def test_a_coordinator_sees_only_the_stories_waiting_for_them(client, coordinator, school_network):
    factories.make_story(network=school_network)
    seat(school_network, status=Membership.Status.PENDING)
    client.force_login(coordinator)

    response = client.get(_office(school_network))

    assert response.status_code == 200
    work = {item.key: item.count for item in response.context["work"]}
    assert work == {"stories": 1}
    text = " ".join(response.content.decode().split())
    assert "1</span> story to moderate" in text
    assert "join request" not in text
    # Their navigation offers the waiting work and participation, not the administrators' parts.
    assert navigation_of(response) == ["Waiting work", "Participation"]


def navigation_of(response) -> list[str]:
    """The labels of the office's navigation, as the page shows them."""
    html = response.content.decode()
    nav = html.split('aria-label="Network office"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<>]+)</a>", nav)


def test_a_coordinator_cannot_manage_members(client, coordinator, school_network):
    request = seat(school_network, status=Membership.Status.PENDING)
    client.force_login(coordinator)

    listing = client.get(_office(school_network, "office:members"))
    approved = approve(client, school_network, request)
    history = client.get(_office(school_network, "office:history"))

    assert (listing.status_code, approved.status_code, history.status_code) == (403, 403, 403)
    assert "Only the administrators of" in listing.content.decode()
    request.refresh_from_db()
    assert request.status == Membership.Status.PENDING


def test_an_administrator_cannot_change_their_own_membership_here(client, administrator, network):
    own = Membership.objects.get(person=administrator, network=network)
    client.force_login(administrator)

    demote = change_role(client, network, own, "member")
    remove = client.post(_office(network, "office:member_remove", own.pk))
    listing = client.get(_office(network, "office:members"))

    assert (demote.status_code, remove.status_code) == (403, 403)
    own.refresh_from_db()
    assert (own.role, own.status) == (Membership.Role.ADMINISTRATOR, Membership.Status.ACTIVE)
    # Their own row offers no action on themselves.
    [row] = [row for row in listing.context["rows"] if row.membership.pk == own.pk]
    assert not row.manageable
    assert f"members/{own.pk}/remove/" not in listing.content.decode()


def test_site_staff_run_any_network_s_office(client, staff, network):
    client.force_login(staff)

    assert client.get(_office(network)).status_code == 200
    assert client.get(_office(network, "office:members")).status_code == 200
    assert client.get(_office(network, "office:history")).status_code == 200
