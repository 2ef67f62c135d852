"""The office's history: the network's audit events, newest first, in words."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import audit
from networks import services
from networks.models import Membership
from office import views
from tests import factories

pytestmark = pytest.mark.django_db

# The viewer, the network, their membership, the count of events, the page of them.
HISTORY_MAX_QUERIES = 5


def _history(client, network, **query):
    response = client.get(reverse("office:history", args=[network.slug]), query)
    assert response.status_code == 200
    return response


def test_the_history_says_who_did_what_to_whom_newest_first(
    client, administrator, network, other_network
):
    asking = factories.make_head(first_name="Dee", last_name="Asking")
    request = factories.make_membership(person=asking, network=network, status="pending")
    services.approve_membership(membership=request, by=administrator)
    services.set_role(membership=request, role=Membership.Role.COORDINATOR, by=administrator)
    audit.record(obj=other_network, action="test", summary="Elsewhere", network_id=other_network.pk)
    client.force_login(administrator)

    response = _history(client, network)

    events = list(response.context["page"])
    assert [event.action for event in events] == ["membership.role", "membership.approved"]
    text = " ".join(response.content.decode().split())
    assert "Request approved" in text
    assert "Dee Asking" in text  # whom it was about
    assert administrator.get_full_name() in text  # who did it
    assert "Status: Pending approval → Active" in text
    assert "Role: Member → Coordinator" in text
    assert "Elsewhere" not in text


def test_a_long_history_comes_in_pages_in_a_fixed_number_of_queries(client, administrator, network):
    client.force_login(administrator)

    def add(count):
        for number in range(count):
            audit.record(
                obj=network, action="test", summary=f"Change {number}", actor=administrator,
                network_id=network.pk, changes={"Name": ["old", "new"]},
            )  # fmt: skip

    add(3)
    _history(client, network)  # the first visit's work: the network, kept after it
    with CaptureQueriesContext(connection) as few:
        _history(client, network)
    add(views.HISTORY_PAGE_SIZE)
    with CaptureQueriesContext(connection) as many:
        response = _history(client, network)

    assert len(few) == len(many) <= HISTORY_MAX_QUERIES
    assert len(response.context["page"]) == views.HISTORY_PAGE_SIZE
    assert len(_history(client, network, page=2).context["page"]) == 3
