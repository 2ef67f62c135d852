"""Issue 14: workhubs by academic year; earlier years' are records, read-only."""

import pytest
from django.urls import reverse

from core.dates import academic_year_of
from networks.models import WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def hubs(network):
    this_year = academic_year_of()
    old = [
        factories.make_workhub(network=network, name=name, academic_year=2016)
        for name in ["Finance", "Transition", "The Oldham Leader"]
    ]
    now = factories.make_workhub(network=network, name="Early Reading", academic_year=this_year)
    now.description = "Phonics and early reading across the borough's infant classes."
    now.save()
    return {"old": old, "now": now}


def test_the_workhubs_page_lists_this_year_then_earlier_years_by_year(client, network, hubs):
    page = client.get(reverse("networks:workhubs", args=[network.slug])).content.decode()

    this_year, earlier = page.split('id="earlier-heading"')
    assert hubs["now"].get_absolute_url() in this_year
    assert "Phonics and early reading" in this_year
    assert "2016/17" in earlier
    assert "(3 workhubs)" in earlier
    for hub in hubs["old"]:
        assert hub.get_absolute_url() in earlier


def test_the_network_page_links_to_earlier_years(client, network, hubs):
    page = client.get(network.get_absolute_url()).content.decode()

    assert reverse("networks:workhubs", args=[network.slug]) in page
    assert "with 3 from earlier years" in page
    assert hubs["old"][0].get_absolute_url() not in page


def test_a_past_years_workhub_offers_no_join_and_refuses_one(client, network, member, hubs):
    old = hubs["old"][0]
    client.force_login(member)

    page = client.get(old.get_absolute_url()).content.decode()
    assert "Join this workhub" not in page
    assert "takes no new members" in page
    response = client.post(reverse("networks:workhub_join", args=[network.slug, old.slug]))

    assert response.status_code == 403
    assert not WorkhubMembership.objects.filter(workhub=old).exists()


def test_a_past_years_workhub_keeps_its_members_as_a_record(client, network, member, hubs):
    old = hubs["old"][0]
    WorkhubMembership.objects.create(workhub=old, person=member)
    client.force_login(member)

    assert "Leave this workhub" not in client.get(old.get_absolute_url()).content.decode()
    response = client.post(reverse("networks:workhub_leave", args=[network.slug, old.slug]))

    assert response.status_code == 403
    assert WorkhubMembership.objects.filter(workhub=old, person=member).exists()


def test_this_years_workhub_still_offers_join_to_members(client, network, member, hubs):
    client.force_login(member)

    assert "Join this workhub" in client.get(hubs["now"].get_absolute_url()).content.decode()


def test_the_workhubs_page_of_an_unknown_network_is_404(client):
    assert client.get(reverse("networks:workhubs", args=["no-such"])).status_code == 404


def test_the_workhubs_page_takes_the_same_queries_for_few_and_many_hubs(
    client, network, django_assert_max_num_queries
):
    factories.make_workhub(network=network, name="One", academic_year=2016)
    with django_assert_max_num_queries(4) as few:
        client.get(reverse("networks:workhubs", args=[network.slug]))
    for year in range(2010, 2020):
        factories.make_workhub(network=network, name=f"Hub {year}", academic_year=year)
    with django_assert_max_num_queries(4) as many:
        client.get(reverse("networks:workhubs", args=[network.slug]))
    assert len(few.captured_queries) == len(many.captured_queries)
