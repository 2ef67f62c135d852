"""Which workhubs a network's page lists, as the academic years go by."""

import datetime
from unittest import mock

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

# 10:00 in London on the first day of the 2030/31 academic year.
FIRST_DAY_OF_2030_31 = datetime.datetime(2030, 9, 1, 9, tzinfo=datetime.UTC)


def test_a_workhub_made_without_a_year_belongs_to_the_year_it_is_made_in(network):
    with mock.patch("django.utils.timezone.now", return_value=FIRST_DAY_OF_2030_31):
        workhub = factories.make_workhub(network=network)

    assert workhub.academic_year == 2030
    assert workhub.academic_year_label == "2030/31"


def test_the_network_page_lists_this_and_last_years_workhubs_but_not_older_ones(client, network):
    with mock.patch("django.utils.timezone.now", return_value=FIRST_DAY_OF_2030_31):
        this_year = factories.make_workhub(network=network, name="Reading")
        last_year = factories.make_workhub(network=network, name="Writing", academic_year=2029)
        older = factories.make_workhub(network=network, name="Oracy", academic_year=2028)

        html = client.get(network.get_absolute_url()).content.decode()

    assert this_year.get_absolute_url() in html
    assert last_year.get_absolute_url() in html
    assert older.get_absolute_url() not in html


def test_a_past_workhub_says_nobody_else_took_part_not_that_nobody_has_joined_yet(
    client, network, member
):
    past = factories.make_workhub(network=network, name="Oracy", academic_year=2019)
    client.force_login(member)

    html = client.get(past.get_absolute_url()).content.decode()

    assert "Nobody else has joined yet" not in html
    assert "Nobody else took part." in html
