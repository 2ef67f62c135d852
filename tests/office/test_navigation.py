"""The office's navigation: the parts the viewer may use, each part appearing once its URLs
exist, with the page's own part marked."""

import pytest
from django.test import override_settings

from networks import access
from networks.models import Network
from office import navigation

pytestmark = pytest.mark.django_db

EVERY_PART = "tests.office.urls_with_every_part"


def _labels(user, network, path="/"):
    return [link.label for link in navigation.links_for(access.for_network(user, network), path)]


def test_parts_not_built_yet_are_left_out(administrator, network):
    # Fees are not built yet (invitations and imports are).
    assert _labels(administrator, network) == [
        "Waiting work", "Members", "Invitations and imports", "Participation", "History",
    ]  # fmt: skip


@override_settings(ROOT_URLCONF=EVERY_PART)
def test_a_part_appears_once_its_urls_exist(administrator, network):
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    network.refresh_from_db()

    assert _labels(administrator, network) == [
        "Waiting work", "Members", "Invitations and imports", "Fees", "Participation",
        "History",
    ]  # fmt: skip


@override_settings(ROOT_URLCONF=EVERY_PART)
def test_fees_are_only_for_a_network_whose_members_are_schools(administrator, network):
    assert "Fees" not in _labels(administrator, network)


@override_settings(ROOT_URLCONF=EVERY_PART)
def test_a_coordinator_is_offered_the_waiting_work_and_participation_only(coordinator, network):
    assert _labels(coordinator, network) == ["Waiting work", "Participation"]


def test_the_page_s_own_part_is_marked_even_deep_inside_it(administrator, network):
    perms = access.for_network(administrator, network)
    office = f"/networks/{network.slug}/office/"

    def current(path):
        return [link.label for link in navigation.links_for(perms, path) if link.is_current]

    assert current(office) == ["Waiting work"]
    assert current(f"{office}members/12/remove/") == ["Members"]
    assert current(f"{office}history/?page=2") == ["History"]
    assert current(f"{office}invitations/import/3/columns/") == ["Invitations and imports"]
    assert current(f"/networks/{network.slug}/participation/") == ["Participation"]
