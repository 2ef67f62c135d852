"""The admin's membership list for a large network: the right rows, page by page, at a
fixed number of queries; the links and checkboxes the stock admin would make."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.templatetags import admin_list
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from networks.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

PER_PAGE = 5
# Session and user, the administered networks, the "By network" choices, the count,
# the page's keys, the page's rows (no sidebar: not the user's permissions for its apps).
MEMBERSHIP_LIST_MAX_QUERIES = 7


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(admin.site.get_model_admin(Membership), "list_per_page", PER_PAGE)


def _add(network, count, status=Membership.Status.ACTIVE):
    start = timezone.now() - datetime.timedelta(days=1)
    for number in range(count):
        membership = factories.make_membership(
            person=factories.make_head(), network=network, status=status
        )
        # Two by two at the same moment: the key breaks the ties.
        at = start + datetime.timedelta(minutes=number // 2)
        Membership.objects.filter(pk=membership.pk).update(requested_at=at)


def _page(client, network, page=None):
    query = {"network": network.pk}
    if page:
        query["p"] = page
    response = client.get(reverse("admin:networks_membership_changelist"), query)
    assert response.status_code == 200
    return response


def test_every_page_of_a_network_shows_its_memberships_once_newest_first(
    client, administrator, network, other_network, small_pages
):
    _add(network, 17)
    _add(network, 3, status=Membership.Status.LEFT)
    _add(other_network, 4)
    client.force_login(administrator)

    first = _page(client, network)
    pages = first.context["cl"].paginator.num_pages
    seen = [row.pk for page in range(1, pages + 1) for row in _rows(client, network, page)]

    expected = Membership.objects.filter(network=network).order_by("-requested_at", "-pk")
    assert seen == list(expected.values_list("pk", flat=True))
    assert len(seen) == 21  # with the administrator's own
    assert f"p={pages}" in first.content.decode()  # the page links still reach the end


def _rows(client, network, page):
    rows = _page(client, network, page).context["cl"].result_list
    assert len(rows) <= PER_PAGE
    return rows


def test_a_network_administrator_still_sees_no_other_network_in_the_list(
    client, administrator, network, other_network, small_pages
):
    _add(other_network, 6)
    client.force_login(administrator)

    for query in ({}, {"network": other_network.pk}, {"network": other_network.pk, "p": 2}):
        response = client.get(reverse("admin:networks_membership_changelist"), query)
        rows = response.context["cl"].result_list if response.status_code == 200 else []
        assert {row.network_id for row in rows} <= {network.pk}


@pytest.mark.parametrize("page", ["first", "last"])
def test_the_membership_list_costs_the_same_queries_for_few_rows_or_many(
    client, administrator, network, page, small_pages
):
    client.force_login(administrator)

    def queries():
        last = _page(client, network).context["cl"].paginator.num_pages
        with CaptureQueriesContext(connection) as captured:
            _page(client, network, last if page == "last" else None)
        return len(captured)

    _add(network, 5)
    few = queries()
    _add(network, 120)

    many = queries()

    assert many == few <= MEMBERSHIP_LIST_MAX_QUERIES


def test_row_links_keep_the_filter_and_checkboxes_are_the_stock_ones(
    client, administrator, network
):
    _add(network, 2)
    client.force_login(administrator)
    model_admin = admin.site.get_model_admin(Membership)

    html = _page(client, network).content.decode()

    membership = Membership.objects.filter(network=network).first()
    change = reverse("admin:networks_membership_change", args=[membership.pk])
    assert f'href="{change}?_changelist_filters=network%3D{network.pk}"' in html
    stock = admin.ModelAdmin.action_checkbox(model_admin, membership)
    assert model_admin.action_checkbox(membership) == stock
    assert stock in html


def test_the_network_column_shows_only_when_the_list_is_not_for_one_network(
    client, administrator, network
):
    client.force_login(administrator)
    url = reverse("admin:networks_membership_changelist")

    assert "network" in client.get(url).context["cl"].list_display
    assert "network" not in client.get(url, {"network": network.pk}).context["cl"].list_display


@pytest.mark.parametrize("who", ["administrator", "staff"])
@pytest.mark.parametrize("one_network", [True, False])
def test_the_rows_are_the_ones_the_stock_admin_writes(client, request, network, who, one_network):
    _add(network, 3)
    _add(network, 1, status=Membership.Status.PENDING)
    nameless = factories.make_membership(
        person=factories.make_user(first_name="", last_name="", title=""),
        network=network,
        school=factories.make_school(name="Fish & <Chips> Primary"),
    )
    former = factories.make_membership(person=factories.make_head(), network=network)
    Membership.objects.filter(pk=former.pk).update(person=None, status=Membership.Status.LEFT)
    client.force_login(request.getfixturevalue(who))

    query = {"network": network.pk} if one_network else {}
    response = client.get(reverse("admin:networks_membership_changelist"), query)

    changelist = response.context["cl"]
    stock = [
        "".join(admin_list.items_for_result(changelist, row, None))
        for row in changelist.result_list
    ]
    assert len(stock) == Membership.objects.filter(network=network).count()
    assert changelist.quick_rows() == stock
    html = response.content.decode()
    assert all(f"<tr>{row}</tr>" in html for row in stock)
    assert nameless.school.name not in html  # shown escaped
    assert "Fish &amp; &lt;Chips&gt; Primary" in html


def test_the_choice_of_action_is_the_stock_select(client, administrator, network):
    client.force_login(administrator)

    response = _page(client, network)

    form = response.context["action_form"]
    stock = helpers.ActionForm(auto_id=None)
    stock.fields["action"].choices = form.fields["action"].choices
    assert str(form["action"]) == str(stock["action"])
    assert "Approve the selected requests" in str(stock["action"])
    assert str(stock["action"]) in response.content.decode()


def test_a_column_of_another_kind_leaves_the_rows_to_the_stock_admin(
    client, staff, network, monkeypatch
):
    _add(network, 2)
    model_admin = admin.site.get_model_admin(Membership)
    monkeypatch.setattr(model_admin, "list_display", ["__str__", "school_id", "status"])
    client.force_login(staff)

    response = _page(client, network)

    changelist = response.context["cl"]
    assert changelist.quick_rows() is None
    html = response.content.decode()
    for row in changelist.result_list:
        assert "".join(admin_list.items_for_result(changelist, row, None)) in html


def test_the_membership_list_has_no_sidebar_and_the_other_admin_pages_keep_theirs(
    client, administrator, network
):
    """The sidebar's app list is worked out only where a page shows it."""
    client.force_login(administrator)

    listing = _page(client, network)
    index = client.get(reverse("admin:index"))
    workhubs = client.get(reverse("admin:networks_workhub_changelist"))

    assert 'id="nav-sidebar"' not in listing.content.decode()
    assert not listing.context["is_nav_sidebar_enabled"]
    memberships = reverse("admin:networks_membership_changelist")
    # The index lists the apps the administrator may use; another list keeps its sidebar
    # with the same list.
    assert f'href="{memberships}"' in index.content.decode()
    sidebar = workhubs.content.decode().split('id="nav-sidebar"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{memberships}"' in sidebar
    assert "Users" not in sidebar  # only what they may see


def _count(client, network=None, **query):
    if network is not None:
        query["network"] = network.pk
    response = client.get(reverse("admin:networks_membership_changelist"), query)
    assert response.status_code == 200
    return response.context["cl"].result_count


def test_the_kept_count_of_the_list_follows_each_membership_write(client, administrator, network):
    """The count is kept while no membership changes: each kind of write shows at once."""
    client.force_login(administrator)
    everyone = _count(client, network)
    pending = _count(client, network, status__exact="pending")

    joining = factories.make_membership(
        person=factories.make_head(), network=network, status=Membership.Status.PENDING
    )
    assert _count(client, network) == everyone + 1
    assert _count(client, network, status__exact="pending") == pending + 1

    client.post(
        reverse("admin:networks_membership_changelist") + f"?network={network.pk}",
        {"action": "approve", helpers.ACTION_CHECKBOX_NAME: [joining.pk]},
    )
    assert _count(client, network, status__exact="pending") == pending
    assert _count(client, network, role__exact="member", status__exact="active") == (
        Membership.objects.filter(network=network, role="member", status="active").count()
    )


def test_the_kept_count_is_each_user_s_own_and_a_search_is_counted_afresh(
    client, administrator, outsider_administrator, staff, network, other_network
):
    _add(network, 3)
    _add(other_network, 2)
    client.force_login(administrator)
    mine = _count(client)
    found = _count(client, q=network.memberships.first().person.last_name)

    client.force_login(outsider_administrator)
    theirs = _count(client)
    client.force_login(staff)
    everyone = _count(client)

    assert mine == network.memberships.count()
    assert theirs == other_network.memberships.count()
    assert everyone == Membership.objects.count()
    assert found < mine


def _network_choices(client) -> list[str]:
    response = client.get(reverse("admin:networks_membership_changelist"))
    [spec] = [spec for spec in response.context["cl"].filter_specs if spec.title == "network"]
    return [label for _value, label in spec.lookup_choices]


def test_the_kept_network_choices_follow_a_rename_and_are_each_user_s_own(
    client, administrator, outsider_administrator, staff, network, other_network
):
    client.force_login(administrator)
    assert _network_choices(client) == [network.name]

    network.name = "Renamed Heads"
    network.save()
    assert _network_choices(client) == ["Renamed Heads"]

    client.force_login(outsider_administrator)
    assert _network_choices(client) == [other_network.name]
    client.force_login(staff)
    assert set(_network_choices(client)) >= {"Renamed Heads", other_network.name}
