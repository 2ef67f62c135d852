"""The office's home: waiting work first, each kind with its count and a link to where
it is handled, in a fixed number of queries however much is waiting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fees.models import FeeInvoice
from networks.models import Membership
from tests import factories

from .conftest import bounce, invoice, seat

pytestmark = pytest.mark.django_db

# The viewer, the network, their membership; then one count each: requests, claims,
# overdue invoices, stories (and whether the network takes stories), bounces.
HOME_MAX_QUERIES = 9


def _work(client, network) -> dict:
    response = client.get(reverse("office:home", args=[network.slug]))
    assert response.status_code == 200
    return {item.key: item for item in response.context["work"]}


def _add_waiting_work(network, count: int) -> None:
    """`count` of every kind of waiting work in the network."""
    for _ in range(count):
        seat(network, status=Membership.Status.PENDING)
        held = seat(network)
        factories.make_post(person=factories.make_user(), school=held.school, verified=False)
        invoice(network, held.school, days_ago=45)
        factories.make_story(network=network)
        bounce(held.person.email)


def test_each_kind_of_waiting_work_is_counted_and_linked(client, administrator, school_network):
    _add_waiting_work(school_network, 2)
    client.force_login(administrator)

    work = _work(client, school_network)

    counts = {key: item.count for key, item in work.items()}
    assert counts == {"requests": 2, "claims": 2, "invoices": 2, "stories": 2, "bounces": 2}
    slug = school_network.slug
    assert work["requests"].url == f"/networks/{slug}/office/members/?status=pending"
    assert work["claims"].url == reverse("networks:claims", args=[slug])
    assert work["stories"].url == reverse("articles:moderation", args=[slug])
    assert work["bounces"].url.endswith("?status=active&mail=stopped")
    page = client.get(reverse("office:home", args=[slug])).content.decode()
    text = " ".join(page.split())
    assert "2</span> join requests to decide" in text
    assert "2</span> invoices overdue" in text
    assert "2</span> members whose email bounces" in text


def test_what_is_not_waiting_is_not_counted(client, administrator, school_network):
    held = seat(school_network)
    invoice(school_network, held.school, days_ago=3)  # raised this week: not overdue yet
    paid = seat(school_network)
    invoice(school_network, paid.school, state=FeeInvoice.State.PAID, days_ago=90)
    factories.make_story(network=school_network, state="published")
    other = factories.make_network()
    seat(other, status=Membership.Status.PENDING)  # another network's request
    client.force_login(administrator)

    work = _work(client, school_network)

    assert {key: item.count for key, item in work.items()} == {
        "requests": 0, "claims": 0, "invoices": 0, "stories": 0, "bounces": 0,
    }  # fmt: skip
    assert (
        "Nothing waiting."
        in client.get(reverse("office:home", args=[school_network.slug])).content.decode()
    )


def test_a_network_of_people_has_no_claims_or_invoices_to_count(client, administrator, network):
    client.force_login(administrator)

    work = _work(client, network)

    # No story inbox either: only requests and bounces.
    assert list(work) == ["requests", "bounces"]


def test_the_count_of_queries_does_not_grow_with_the_waiting_work(
    client, administrator, school_network
):
    client.force_login(administrator)
    url = reverse("office:home", args=[school_network.slug])
    _add_waiting_work(school_network, 1)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add_waiting_work(school_network, 6)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(few) == len(many) <= HOME_MAX_QUERIES, len(few)


def test_the_overdue_rule_is_the_same_for_a_list_and_for_one_invoice(school_network):
    fresh, old = seat(school_network), seat(school_network)
    fresh_invoice = invoice(school_network, fresh.school, days_ago=29)
    old_invoice = invoice(school_network, old.school, days_ago=31)

    assert list(FeeInvoice.objects.overdue()) == [old_invoice]
    assert (fresh_invoice.is_overdue, old_invoice.is_overdue) == (False, True)
