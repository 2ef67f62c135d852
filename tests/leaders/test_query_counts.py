"""The designations waiting for a decision use a fixed number of queries however many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leaders import services
from members.models import Designation
from tests import factories

pytestmark = pytest.mark.django_db

# Pinned: the viewer, the claims with their people (the areas an administrator decides
# for are a subquery), the people's posts, and the posts' schools.
CONFIRMATIONS_MAX_QUERIES = 4


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _claims(count):
    for _ in range(count):
        services.claim_designation(person=factories.make_head(), kind="nle", evidence="Listed")


@pytest.mark.parametrize("viewer", ["administrator", "staff"])
def test_the_confirmations_do_not_grow_with_the_claims_waiting(
    client, viewer, request, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("leaders:confirmations")
    _claims(2)
    few = _queries(client, url)

    _claims(20)

    with django_assert_max_num_queries(CONFIRMATIONS_MAX_QUERIES):
        many = _queries(client, url)
    assert many == few
    assert client.get(url).content.decode().count("Number") >= 22


# Pinned: the session's user, the viewer's confirmed headship (may they see the
# directory), and the listing with its person (shown, with a confirmed designation).
CONTACT_MAX_QUERIES = 3


def test_the_page_to_write_to_a_leader_costs_the_same_however_much_they_hold(
    client, head, django_assert_max_num_queries
):
    leader = factories.make_head()
    Designation.objects.create(
        person=leader, kind="interim_head", evidence="Roster", state="confirmed"
    )
    listing = services.list_person(person=leader, availability="available")
    client.force_login(head)
    url = reverse("leaders:contact", args=[listing.pk])
    few = _queries(client, url)

    for kind in ["nle", "lle", "advisory_head", "mentor"]:
        Designation.objects.create(person=leader, kind=kind, evidence="List", state="confirmed")
        factories.make_post(person=leader)

    with django_assert_max_num_queries(CONTACT_MAX_QUERIES):
        many = _queries(client, url)
    assert many == few


# Pinned, once the directory is kept: the session's user and the viewer's confirmed
# headship (may they see it); the listing, its count and the filters' areas are kept.
KEPT_DIRECTORY_MAX_QUERIES = 2


def test_the_kept_directory_costs_only_who_may_see_it(client, head, django_assert_max_num_queries):
    for kind in ["nle", "mentor"]:
        leader = factories.make_head()
        Designation.objects.create(person=leader, kind=kind, evidence="List", state="confirmed")
        services.list_person(person=leader, availability="available")
    client.force_login(head)
    url = reverse("leaders:directory")
    built = _queries(client, url)

    with django_assert_max_num_queries(KEPT_DIRECTORY_MAX_QUERIES):
        kept = _queries(client, url)
    assert kept < built
