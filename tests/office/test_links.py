"""The way in: the network's page and /me/ lead its administrators and coordinators to the
office, and nobody else."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "sees_link"),
    [
        ("administrator", True),
        ("coordinator", True),
        ("staff", True),
        ("member", False),
        ("outsider_administrator", False),
    ],
)
def test_the_network_page_links_to_the_office_for_those_who_may_use_it(
    client, request, network, persona, sees_link
):
    client.force_login(request.getfixturevalue(persona))
    office = reverse("office:home", args=[network.slug])

    page = client.get(network.get_absolute_url()).content.decode()

    assert (f'href="{office}"' in page) is sees_link


@pytest.mark.parametrize(
    ("persona", "sees_link"),
    [("administrator", True), ("coordinator", True), ("member", False)],
)
def test_my_networks_link_to_the_office_of_those_i_run(
    client, request, network, persona, sees_link
):
    client.force_login(request.getfixturevalue(persona))
    office = reverse("office:home", args=[network.slug])

    page = client.get(reverse("me")).content.decode()

    assert (f'href="{office}"' in page) is sees_link
