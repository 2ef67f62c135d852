"""The series form in two steps (no JavaScript needed): how often, then only what that
rhythm needs; week N of a half term through the page; where coordinators find it."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import LONDON, Meeting
from tests import factories

pytestmark = pytest.mark.django_db

RHYTHM_LABELS = {
    "interval": "Every how many weeks",
    "nth_week": "Which week of each half term",
    "nth_weekday": "Which of its weekdays in the month",
    "per_year": "Times a year",
    "skip": "Skip school holidays",
}


def _url(network):
    return reverse("meetings:series_create", args=[network.slug])


def test_the_first_step_asks_only_how_often(client, coordinator, network):
    client.force_login(coordinator)
    page = client.get(_url(network)).content.decode()
    assert "How often" in page and 'type="radio"' in page
    assert "First date" not in page
    assert not any(label in page for label in RHYTHM_LABELS.values())


@pytest.mark.parametrize(
    ("rule", "shown"),
    [
        ("weekly", {"interval", "skip"}),
        ("monthly", {"nth_weekday", "skip"}),
        ("half_termly", {"nth_week"}),
        ("times_a_year", {"per_year", "nth_week"}),
    ],
)
def test_the_second_step_shows_only_what_the_rhythm_needs(
    client, coordinator, network, rule, shown
):
    factories.make_workhub(network=network, name="Curriculum")
    client.force_login(coordinator)
    page = client.get(_url(network), {"rule": rule}).content.decode()
    assert "First date" in page
    for key, label in RHYTHM_LABELS.items():
        assert (label in page) == (key in shown), (rule, label)
    assert "Workhub" not in page and "Curriculum" not in page


def test_week_two_of_the_half_term_through_the_page(client, coordinator, network):
    """Week 2 from Thursday 14 January 2027 is 14 January (the spring term starts on
    Tuesday 5 January), not 21 January."""
    client.force_login(coordinator)
    response = client.post(
        _url(network),
        {"rule": "half_termly", "first_date": "2027-01-14", "start_time": "16:00",
         "end_time": "17:30", "nth": "2", "title": "Half-termly heads", "kind": "network_meeting",
         "format": "in_person", "venue_address": "County Hall", "audience": "members",
         "registration_required": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    first = Meeting.objects.order_by("starts_at").first()
    assert first.starts_at.astimezone(LONDON).date() == datetime.date(2027, 1, 14)


def test_a_rhythm_that_is_not_one_goes_back_to_the_first_step(client, coordinator, network):
    client.force_login(coordinator)
    page = client.get(_url(network), {"rule": "sessions"}).content.decode()
    assert 'role="alert"' in page and "First date" not in page


def test_coordinators_find_plan_a_meeting_and_a_series_on_the_network_page(
    client, coordinator, member, network
):
    url = reverse("networks:detail", args=[network.slug])
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert "Plan a meeting" in page and "Plan a series" in page and _url(network) in page
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "Plan a series" not in page and "Plan a meeting" not in page
