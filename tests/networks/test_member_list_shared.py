"""The member list's table is built once for every member at one address and kept while
the network is unchanged: each write it shows appears at once, and nobody sees more
than their own role allows because somebody else filled it first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from networks import services
from tests import factories

pytestmark = pytest.mark.django_db


def _list(client, person, network):
    client.force_login(person)
    return client.get(reverse("networks:members", args=[network.slug]))


def _table(response) -> str:
    page = response.content.decode()
    return page[page.index("<table") : page.index("</table>")]


def _sharer(network, *, shares: bool):
    person = factories.make_head(
        first_name="Imogen", last_name="Quill", email="imogen.quill@school.example"
    )
    person.show_email_to_members = shares
    person.save()
    factories.make_membership(person=person, network=network)
    return person


def test_a_member_sees_the_kept_list_without_building_it_again(client, network, member):
    _sharer(network, shares=True)
    first = _list(client, member, network)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("networks:members", args=[network.slug]))

    assert _table(again) == _table(first)
    assert "Imogen Quill" in _table(again)
    # The viewer, and their membership with the network: the table comes from the cache.
    assert len(queries) == 2


def test_an_address_no_longer_shared_leaves_the_list_at_once(client, network, member):
    sharer = _sharer(network, shares=True)
    assert "imogen.quill@school.example" in _list(client, member, network).content.decode()

    sharer.show_email_to_members = False
    sharer.save()  # as the profile page saves it

    assert "imogen.quill@school.example" not in _list(client, member, network).content.decode()


def test_a_member_never_gets_the_addresses_site_staff_see(client, network, member, staff):
    _sharer(network, shares=False)

    staff_page = _list(client, staff, network).content.decode()
    member_page = _list(client, member, network).content.decode()

    assert "imogen.quill@school.example" in staff_page
    assert "imogen.quill@school.example" not in member_page
    assert "Not shared" in member_page


def test_staff_still_see_every_address_after_a_member_filled_the_list(
    client, network, member, staff
):
    _sharer(network, shares=False)
    _list(client, member, network)

    assert "imogen.quill@school.example" in _list(client, staff, network).content.decode()


def test_a_member_who_leaves_is_gone_from_the_list_at_once(client, network, member):
    leaver = _sharer(network, shares=True)
    assert "Imogen Quill" in _list(client, member, network).content.decode()

    services.leave_network(person=leaver, network=network)

    page = _list(client, member, network).content.decode()
    assert "Imogen Quill" not in page


def test_those_outside_are_still_refused_after_a_member_filled_the_list(
    client, network, member, head, outsider_member
):
    _sharer(network, shares=True)
    _list(client, member, network)

    for outsider in (head, outsider_member):
        response = _list(client, outsider, network)
        assert response.status_code == 403
        assert "Imogen Quill" not in response.content.decode()


def test_one_network_s_list_is_never_another_s(client, network, member, other_network):
    _sharer(network, shares=True)
    _list(client, member, network)
    elsewhere = factories.make_head(first_name="Otto", last_name="Vane")
    factories.make_membership(person=elsewhere, network=other_network)
    factories.make_membership(person=member, network=other_network)

    page = _list(client, member, other_network).content.decode()

    assert "Otto Vane" in page
    assert "Imogen Quill" not in page
