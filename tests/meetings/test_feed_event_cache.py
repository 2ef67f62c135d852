"""Feeds reuse each event's text from the cache, and never an out-of-date one."""

import pytest
from django.urls import reverse

from meetings.models import Meeting
from tests import factories

pytestmark = pytest.mark.django_db


def _feed(client, network) -> str:
    client.logout()
    return client.get(reverse("meetings:network_feed", args=[network.slug])).content.decode()


def test_a_renamed_network_and_a_moved_meeting_show_in_the_feed(client):
    network = factories.make_network(name="Cherwell Primary Heads")
    meeting = factories.make_meeting(
        network=network, audience=Meeting.Audience.PUBLIC, venue_address="County Hall, Oxford"
    )
    assert "Cherwell Primary Heads." in _feed(client, network)

    network.name = "North Oxfordshire Primary Heads"
    network.save()
    Meeting.objects.filter(pk=meeting.pk).update(venue_address="Banbury Town Hall")

    feed = _feed(client, network)
    assert "North Oxfordshire Primary Heads." in feed
    assert "Cherwell Primary Heads." not in feed
    assert "Banbury Town Hall" in feed


def test_the_same_event_is_written_once_for_every_feed_it_is_in(client):
    network = factories.make_network()
    factories.make_meeting(network=network, audience=Meeting.Audience.PUBLIC)
    first = _feed(client, network)
    second = client.get(reverse("meetings:ics", args=[network.meetings.get().pk])).content.decode()

    event = first[first.index("BEGIN:VEVENT") : first.index("END:VEVENT")]
    assert event in second
