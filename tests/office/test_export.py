"""The member list as CSV: streamed, through the one CSV writer (formula-safe), with the
list's filters, and an address only where its owner shares it."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fees.models import FeeInvoice
from networks.models import Membership
from tests import factories

from .conftest import invoice, seat

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '=HYPERLINK("https://evil.example","Click")'
# The viewer, the network, their membership, the fee scheme, the school filter's
# choices, the memberships (people, schools, fee state, bounces), their posts.
EXPORT_MAX_QUERIES = 7


def _export(client, network, **query):
    response = client.get(reverse("office:members_export", args=[network.slug]), query)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{network.slug}-members.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(body)))


def test_an_administrator_sees_only_the_addresses_people_share(
    client, administrator, school_network
):
    sharing = seat(school_network, email="shares@school.example", show_email_to_members=True)
    private = seat(school_network, email="private@school.example", show_email_to_members=False)
    client.force_login(administrator)

    rows = {row["Last name"]: row for row in _export(client, school_network)}

    assert rows[sharing.person.last_name]["Email"] == "shares@school.example"
    assert rows[private.person.last_name]["Email"] == "Not shared"
    assert "private@school.example" not in str(rows)


def test_site_staff_see_every_address(client, staff, school_network):
    private = seat(school_network, email="private@school.example", show_email_to_members=False)
    client.force_login(staff)

    rows = {row["Last name"]: row for row in _export(client, school_network)}

    assert rows[private.person.last_name]["Email"] == "private@school.example"


def test_a_cell_a_spreadsheet_would_run_is_neutralised(client, administrator, school_network):
    seat(
        school_network,
        first_name=HOSTILE_NAME,
        last_name="-2+3",
        email="@cmd@example.org",
        show_email_to_members=True,
        school_name="+SUM(1) School",
    )
    client.force_login(administrator)

    [row] = [row for row in _export(client, school_network) if row["Last name"] == "'-2+3"]

    assert row["First name"] == f"'{HOSTILE_NAME}"
    assert row["Email"] == "'@cmd@example.org"
    assert row["School"] == "'+SUM(1) School"


def test_the_export_follows_the_list_s_filters_and_shows_the_fee(
    client, administrator, school_network
):
    paid = seat(school_network, last_name="Paidup")
    unpaid = seat(school_network, last_name="Owing")
    invoice(school_network, paid.school, state=FeeInvoice.State.PAID)
    invoice(school_network, unpaid.school)
    seat(school_network, status=Membership.Status.PENDING, last_name="Asking")
    client.force_login(administrator)

    everyone = _export(client, school_network)
    owing = _export(client, school_network, fee="due")

    assert {row["Last name"] for row in everyone} >= {"Paidup", "Owing", "Asking"}
    [row] = owing
    assert (row["Last name"], row["Status"], row["School"]) == (
        "Owing", "Active", unpaid.school.name,
    )  # fmt: skip
    year = school_network.fee_scheme.year_label(school_network.fee_scheme.current_year())
    assert row[f"Fee {year}"] == "Unpaid"
    assert row["URN"] == str(unpaid.school.urn)


def test_a_closed_account_s_ended_seat_is_a_former_member(client, administrator, school_network):
    ended = seat(school_network)
    Membership.objects.filter(pk=ended.pk).update(status="left", person=None)
    client.force_login(administrator)

    rows = _export(client, school_network, status="ended")

    assert [(row["Last name"], row["Email"]) for row in rows] == [("Former member", "")]


def test_the_count_of_queries_does_not_grow_with_the_rows(client, administrator, school_network):
    client.force_login(administrator)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            _export(client, school_network)
        return len(captured)

    seat(school_network)
    few = queries()
    for _ in range(12):
        held = seat(school_network)
        invoice(school_network, held.school)
        factories.make_membership(person=factories.make_head(), network=school_network)
    many = queries()

    assert few == many <= EXPORT_MAX_QUERIES
