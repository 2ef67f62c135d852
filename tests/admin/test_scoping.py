"""An administrator's admin shows their own networks' rows only: filters, inlines,
autocomplete, the dashboard. Site staff see everything. List pages cost a fixed number of
queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fees import services as fee_services
from fees.models import FeeScheme
from networks import services
from networks.models import Membership, Network, NetworkPurpose, WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db


def _filter_choices(response, title="network"):
    for spec in response.context["cl"].filter_specs:
        if spec.title == title:
            return {choice["display"] for choice in spec.choices(response.context["cl"])}
    raise AssertionError(f"no {title} filter")


@pytest.mark.parametrize(
    "model",
    ["networks_membership", "networks_workhub", "networks_invitation", "networks_contactmessage",
     "fees_feeinvoice", "core_auditevent"],
)  # fmt: skip
def test_the_by_network_filter_lists_only_the_administrators_networks(
    client, administrator, network, other_network, model
):
    client.force_login(administrator)

    response = client.get(reverse(f"admin:{model}_changelist"))

    assert _filter_choices(response) == {"All", network.name}


def test_site_staff_filter_by_every_network(client, staff, network, other_network):
    client.force_login(staff)

    response = client.get(reverse("admin:networks_membership_changelist"))

    assert {network.name, other_network.name} <= _filter_choices(response)


def test_a_crafted_filter_for_another_network_shows_nothing_of_it(
    client, administrator, network, other_network
):
    factories.make_membership(person=factories.make_head(), network=other_network)
    client.force_login(administrator)

    response = client.get(
        reverse("admin:networks_membership_changelist"), {"network": other_network.pk}
    )

    rows = response.context["cl"].result_list if response.status_code == 200 else []
    assert [row for row in rows if row.network_id == other_network.pk] == []


def test_the_autocomplete_offers_only_the_administrators_networks(
    client, administrator, network, other_network
):
    client.force_login(administrator)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "networks", "model_name": "workhub", "field_name": "network", "term": ""},
    )

    if response.status_code == 200:
        assert [item["text"] for item in response.json()["results"]] == [str(network)]
    else:
        assert response.status_code == 403


def test_an_administrator_edits_their_networks_purposes_inline(client, administrator, network):
    client.force_login(administrator)
    url = reverse("admin:networks_network_change", args=[network.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data |= {
        "purposes-TOTAL_FORMS": "1",
        "purposes-INITIAL_FORMS": "0",
        "purposes-0-position": "1",
        "purposes-0-text": "A collective voice",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert list(network.purposes.values_list("text", flat=True)) == ["A collective voice"]


def test_an_administrator_adds_a_workhub_member_inline(client, administrator, network, member):
    workhub = factories.make_workhub(network=network)
    client.force_login(administrator)
    url = reverse("admin:networks_workhub_change", args=[workhub.pk])
    page = client.get(url)
    assert "memberships-TOTAL_FORMS" in page.content.decode()

    response = client.post(url, {
        "network": network.pk, "academic_year": workhub.academic_year, "name": workhub.name,
        "slug": workhub.slug, "priority_area": "", "description": "",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        # By address, among the network's members (tests/networks/test_admin.py).
        "memberships-0-email": member.email, "memberships-0-is_lead": "on",
    })  # fmt: skip

    assert response.status_code == 302
    assert WorkhubMembership.objects.filter(workhub=workhub, person=member, is_lead=True).exists()


def test_another_networks_administrator_cannot_post_purposes_to_this_network(
    client, outsider_administrator, network
):
    client.force_login(outsider_administrator)

    client.post(
        reverse("admin:networks_network_change", args=[network.pk]),
        {"name": "Taken", "purposes-TOTAL_FORMS": "1", "purposes-INITIAL_FORMS": "0",
         "purposes-0-text": "Crafted", "purposes-0-position": "0"},
    )  # fmt: skip

    assert not NetworkPurpose.objects.exists()
    assert Network.objects.get(pk=network.pk).name != "Taken"


def test_the_dashboard_shows_the_administrators_waiting_work_and_nothing_else(
    client, administrator, network, other_network
):
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    for _ in range(2):
        factories.make_membership(person=factories.make_head(), network=network,
                                  status="pending")  # fmt: skip
    school = factories.make_school()
    seat_holder = factories.make_head(school=school)
    factories.make_membership(person=seat_holder, network=network, school=school)
    factories.make_post(person=factories.make_user(), school=school, verified=False)
    FeeScheme.objects.create(network=network, flat_amount_pence=45000, reference_prefix="OX")
    fee_services.raise_invoices(network=network, by=administrator)
    factories.make_membership(person=factories.make_head(), network=other_network,
                              status="pending")  # fmt: skip
    client.force_login(administrator)

    response = client.get(reverse("admin:index"))

    (row,) = response.context["dashboard"].rows if "dashboard" in response.context else [None]
    page = response.content.decode()
    assert "Waiting for you" in page
    assert other_network.label not in page
    assert row is None or (row.pending, row.claims, row.due) == (2, 1, 1)
    assert '2<span class="visually-hidden"> requests to decide' in page
    assert "1 (£450.00)" in page


@pytest.mark.parametrize(
    "model", ["networks_membership", "fees_feeinvoice", "core_auditevent", "networks_workhub"]
)
def test_admin_list_pages_cost_the_same_queries_for_few_rows_or_many(
    client, administrator, network, model, django_assert_max_num_queries
):
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    FeeScheme.objects.create(network=network, flat_amount_pence=100, reference_prefix="Q")
    client.force_login(administrator)
    url = reverse(f"admin:{model}_changelist")

    def add_rows(count):
        for _ in range(count):
            school = factories.make_school()
            person = factories.make_head(school=school)
            membership = factories.make_membership(person=person, network=network, school=school)
            factories.make_workhub(network=network, name=f"Hub {membership.pk}")
            services.set_role(membership=membership, role="coordinator", by=administrator)
        fee_services.raise_invoices(network=network, by=administrator)

    add_rows(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_rows(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    with django_assert_max_num_queries(12):  # the query budget (docs/architecture.md, "Tests")
        client.get(url)
    assert Membership.objects.filter(network=network).count() > 20
