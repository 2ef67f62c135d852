"""/me/ for people who run networks: their waiting work first; their schools' fees."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fees import services as fee_services
from fees.models import FeeScheme
from members.adapters import AccountAdapter
from networks.models import Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_network(network):
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    network.refresh_from_db()
    FeeScheme.objects.create(network=network, flat_amount_pence=45000, reference_prefix="OX")
    return network


def test_an_administrator_sees_requests_claims_and_invoices_waiting(
    client, administrator, school_network, other_network
):
    for _ in range(2):
        factories.make_membership(person=factories.make_head(), network=school_network,
                                  status="pending")  # fmt: skip
    school = factories.make_school()
    factories.make_membership(person=factories.make_head(school=school), network=school_network,
                              school=school)  # fmt: skip
    factories.make_post(person=factories.make_user(), school=school, verified=False)
    fee_services.raise_invoices(network=school_network, by=administrator)
    factories.make_membership(person=factories.make_head(), network=other_network,
                              status="pending")  # fmt: skip
    client.force_login(administrator)

    page = client.get(reverse("me")).content.decode()

    assert "Waiting for you" in page
    assert "2 requests to decide" in page
    assert "1 claim at member schools to confirm" in page
    assert "1 invoice due" in page
    assert other_network.label not in page
    assert page.index("Waiting for you") < page.index("My schedule")


def test_a_head_sees_claims_at_their_school_to_confirm(client, head):
    school = head.posts.get().school
    factories.make_post(person=factories.make_user(first_name="Cal", last_name="Claimant"),
                        school=school, verified=False)  # fmt: skip
    client.force_login(head)

    page = client.get(reverse("me")).content.decode()

    assert "Cal Claimant" in page and "confirm or reject" in page


def test_a_member_with_nothing_waiting_sees_no_waiting_section(client, member):
    client.force_login(member)

    assert "Waiting for you" not in client.get(reverse("me")).content.decode()


def test_a_seat_holder_sees_whether_their_schools_fee_is_paid(client, school_network, staff):
    school = factories.make_school()
    head = factories.make_head(school=school)
    factories.make_membership(person=head, network=school_network, school=school)
    client.force_login(head)
    assert "not invoiced yet" in client.get(reverse("me")).content.decode()

    (invoice,) = fee_services.raise_invoices(network=school_network, by=staff).raised
    assert "<strong>due</strong>, £450.00" in client.get(reverse("me")).content.decode()

    fee_services.mark_paid(invoice=invoice, paid_on=invoice.created_at.date(), by=staff)
    assert "paid on" in client.get(reverse("me")).content.decode()


def test_an_administrator_without_a_post_is_not_sent_to_complete_their_profile(
    client, administrator
):
    administrator.first_name, administrator.last_name = "Ada", "Administrator"
    administrator.save()
    request = RequestFactory().get("/")
    request.user = administrator

    assert not administrator.posts.exists()
    assert AccountAdapter().get_login_redirect_url(request) == reverse("me")
    client.force_login(administrator)
    assert "Add your name and your post" not in client.get(reverse("me")).content.decode()


def test_a_head_without_a_post_is_still_asked_for_one(client):
    person = factories.make_user(first_name="No", last_name="Post")
    request = RequestFactory().get("/")
    request.user = person

    assert AccountAdapter().get_login_redirect_url(request) == reverse("portal:profile")


def test_the_waiting_work_costs_the_same_queries_for_one_network_or_many(
    client, administrator, school_network
):
    def administer_another(pending):
        network = factories.make_network(basis=Network.Basis.SCHOOL)
        factories.make_membership(person=administrator, network=network, role="administrator")
        for _ in range(pending):
            factories.make_membership(person=factories.make_head(), network=network,
                                      status="pending")  # fmt: skip
        FeeScheme.objects.create(
            network=network, flat_amount_pence=1, reference_prefix=f"N{network.pk}"
        )

    administer_another(1)
    client.force_login(administrator)
    client.get(reverse("me"))  # the first visit makes the person's calendar feed
    cache.clear()  # each built afresh, nothing kept: the building is what must not grow
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("me"))
    for _ in range(5):
        administer_another(3)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("me")).content.decode()
    assert page.count("3 requests to decide") == 5
    assert len(many) == len(few)
    assert Membership.objects.filter(person=administrator).count() == 7
