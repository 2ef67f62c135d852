"""The directory at /networks/: search and filters that combine, and pagination."""

import pytest
from django.test import Client
from django.urls import reverse

from networks.models import Network
from networks.views import DIRECTORY_PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def networks():
    oxfordshire = factories.make_la()
    oldham = factories.make_la(code="353", name="Oldham")
    return {
        network.name: network
        for network in [
            factories.make_network(name="Oxfordshire Primary Heads", areas=[oxfordshire]),
            factories.make_network(
                name="Oxfordshire Special Heads",
                kind=Network.Kind.SPECIAL,
                sectors=["special"],
                areas=[oxfordshire],
            ),
            factories.make_network(
                name="Oldham Primary Heads", areas=[oldham], about="A borough partnership."
            ),
            factories.make_network(
                name="Heads Up",
                kind=Network.Kind.SUPPORT_NETWORK,
                sectors=[],
                areas=[],
                meeting_rhythm="Weekly online calls",
            ),
        ]
    }


def _names(client, **query) -> list[str]:
    response = client.get(reverse("networks:directory"), query)
    assert response.status_code == 200
    return [network.name for network in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Heads Up", "Oldham Primary Heads", "Oxfordshire Primary Heads",
              "Oxfordshire Special Heads"]),
        ({"q": "special"}, ["Oxfordshire Special Heads"]),
        ({"q": "borough"}, ["Oldham Primary Heads"]),  # the about text
        ({"q": "weekly"}, ["Heads Up"]),  # how often it meets
        ({"kind": "primary"}, ["Oldham Primary Heads", "Oxfordshire Primary Heads"]),
        # National networks cover every area.
        ({"area": "353"}, ["Heads Up", "Oldham Primary Heads"]),
        ({"phase": "special"}, ["Heads Up", "Oxfordshire Special Heads"]),
        ({"kind": "primary", "area": "931"}, ["Oxfordshire Primary Heads"]),
        ({"q": "heads", "area": "931", "phase": "primary"},
         ["Heads Up", "Oxfordshire Primary Heads"]),
        ({"q": "heads", "area": "931", "phase": "primary", "kind": "support_network"},
         ["Heads Up"]),
        ({"q": "oldham", "area": "931"}, []),
    ],
)  # fmt: skip
def test_search_and_filters_each_work_and_combine(client, networks, query, expected):
    assert _names(client, **query) == expected


def test_a_card_says_who_the_network_is_for_and_how_often_it_meets(client, networks):
    page = client.get(reverse("networks:directory"), {"q": "Heads Up"}).content.decode()

    assert "Open to headteachers of any school anywhere in England" in page
    assert "Weekly online calls" in page


@pytest.mark.parametrize(
    ("field", "value"), [("kind", "bogus"), ("area", "999"), ("phase", "sideways")]
)
def test_an_unknown_filter_value_gives_a_form_error_not_a_crash(client, networks, field, value):
    response = client.get(reverse("networks:directory"), {field: value})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Select a valid choice" in response.content.decode()


def test_nothing_matching_says_so(client, networks):
    response = client.get(reverse("networks:directory"), {"q": "no such network"})

    assert "No networks match" in response.content.decode()


@pytest.fixture
def many_networks():
    return [
        factories.make_network(name=f"Network {number:02d}")
        for number in range(DIRECTORY_PAGE_SIZE + 5)
    ]


def test_the_second_page_has_the_rest(client, many_networks):
    first = _names(client)
    second = _names(client, page=2)

    assert len(first) == DIRECTORY_PAGE_SIZE
    assert len(second) == 5
    assert sorted(first + second) == sorted(network.name for network in many_networks)


def test_a_page_out_of_range_gives_the_last_page(client, many_networks):
    response = client.get(reverse("networks:directory"), {"page": "99"})

    assert response.context["page"].number == 2


def test_a_page_that_is_not_a_number_gives_the_first_page(client, many_networks):
    response = client.get(reverse("networks:directory"), {"page": "next"})

    assert response.context["page"].number == 1


def test_the_same_query_string_gives_the_same_page(client, many_networks):
    factories.make_network(name="Network 00b", kind=Network.Kind.SPECIAL)
    query = {"q": "network", "kind": "primary", "page": "2"}

    first = client.get(reverse("networks:directory"), query)
    again = Client().get(reverse("networks:directory"), query)  # may come from the cache

    assert again.content == first.content
    names = [network.name for network in first.context["page"].object_list]
    assert names == ["Network 20", "Network 21", "Network 22", "Network 23", "Network 24"]


def test_page_links_keep_the_filters(client, many_networks):
    page = client.get(reverse("networks:directory"), {"kind": "primary"}).content.decode()

    assert "?kind=primary&amp;page=2" in page


# A signed-in head's directory renders its list once for everyone at the same address
# (core.sharedparts): every kind of write the list shows must reach them at once.


def test_a_signed_in_head_sees_a_renamed_network_at_once(client, networks):
    client.force_login(factories.make_head())
    assert "Heads Up" in client.get(reverse("networks:directory")).content.decode()

    network = networks["Heads Up"]
    network.name = "Heads Together"
    network.save()

    page = client.get(reverse("networks:directory")).content.decode()
    assert "Heads Together" in page
    assert "Heads Up" not in page


def test_a_signed_in_head_sees_a_new_network_and_a_new_area_at_once(client, networks):
    client.force_login(factories.make_head())
    client.get(reverse("networks:directory"))

    factories.make_network(name="Wigan Secondary Heads")
    networks["Heads Up"].areas.add(factories.make_la(code="359", name="Wigan"))

    page = client.get(reverse("networks:directory")).content.decode()
    assert "Wigan Secondary Heads" in page
    assert "Wigan" in page.split("Heads Up")[1].split("</article>")[0]


def test_a_signed_in_head_no_longer_sees_a_deleted_network(client, networks):
    client.force_login(factories.make_head())
    client.get(reverse("networks:directory"))

    networks["Oldham Primary Heads"].delete()

    assert "Oldham Primary Heads" not in client.get(reverse("networks:directory")).content.decode()


def test_the_shared_directory_carries_nothing_of_the_person_who_filled_it(networks):
    staff, head = Client(), Client()
    staff.force_login(factories.make_user(is_staff=True))
    head.force_login(factories.make_head())
    query = {"q": "heads", "page": "1"}
    admin_link = f'href="{reverse("admin:index")}"'
    my_link = f'href="{reverse("me")}"'

    assert admin_link in staff.get(reverse("networks:directory"), query).content.decode()
    page = head.get(reverse("networks:directory"), query).content.decode()
    visitor = Client().get(reverse("networks:directory"), query).content.decode()

    assert "Oxfordshire Primary Heads" in page
    assert my_link in page and admin_link not in page
    assert my_link not in visitor and admin_link not in visitor
