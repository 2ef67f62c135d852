"""Issue 14: leaving a school's seat asks first, and says what it means for the school."""

import pytest
from django.urls import reverse

from fees.models import FeeScheme
from members.models import School
from networks import services
from networks.models import Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def seat(db):
    network = factories.make_network(
        name="Oxfordshire Secondary Head Teacher Association",
        short_name="OSSHTA",
        sectors=[School.Sector.SECONDARY],
        join_policy=Network.JoinPolicy.AUTOMATIC,
        basis=Network.Basis.SCHOOL,
    )
    FeeScheme.objects.create(network=network, flat_amount_pence=45000, reference_prefix="OSSHTA")
    school = factories.make_school(name="Cherwell School", sector=School.Sector.SECONDARY)
    head = factories.make_head(school=school)
    return factories.make_membership(person=head, network=network, school=school)


def _leave(client, seat, **data):
    client.force_login(seat.person)
    return client.post(reverse("networks:leave", args=[seat.network.slug]), data, follow=True)


def test_leaving_a_seat_first_asks_and_explains_what_it_means_for_the_school(client, seat):
    response = _leave(client, seat)

    page = response.content.decode()
    assert "<h1>Leave OSSHTA for Cherwell School?</h1>" in page
    assert "Cherwell School stops being a member of OSSHTA" in page
    assert "£450.00" in page
    assert "Yes, leave OSSHTA" in page
    seat.refresh_from_db()
    assert seat.is_active


def test_confirming_leaves_and_the_automatic_network_does_not_re_enrol(client, seat):
    response = _leave(client, seat, confirm="yes")

    assert "You have left" in response.content.decode()
    seat.refresh_from_db()
    assert seat.status == Membership.Status.LEFT
    assert services.sync_automatic_memberships(person=seat.person) == []


def test_a_person_based_membership_still_leaves_in_one_click(client, network, member):
    client.force_login(member)

    client.post(reverse("networks:leave", args=[network.slug]))

    assert not Membership.objects.live().filter(person=member, network=network).exists()
