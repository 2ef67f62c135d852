"""Calendar feeds say how long they may be kept, and by whom, in a well-formed
Cache-Control header (issue 19, finding 18: they sent "private, public=False")."""

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Meeting
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_network_feed_for_visitors_may_be_kept_by_any_cache(client, network):
    factories.make_meeting(network=network, audience=Meeting.Audience.PUBLIC)

    response = client.get(reverse("meetings:network_feed", args=[network.slug]))

    assert response["Cache-Control"] == "max-age=300, public"


def test_a_network_feed_for_a_signed_in_member_is_theirs_alone(client, network, member):
    client.force_login(member)

    response = client.get(reverse("meetings:network_feed", args=[network.slug]))

    assert response["Cache-Control"] == "max-age=300, private"


def test_a_personal_feed_is_its_owner_s_alone(client, member):
    feed = services.calendar_feed_for(member)

    response = client.get(feed.get_absolute_url())

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=300, private"


def test_a_members_meeting_s_calendar_file_is_never_shared(client, network, member):
    meeting = factories.make_meeting(network=network)
    client.force_login(member)

    response = client.get(reverse("meetings:ics", args=[meeting.pk]))

    assert response["Cache-Control"] == "max-age=300, private"


def test_a_public_meeting_s_calendar_file_may_be_kept_by_any_cache(client, network):
    meeting = factories.make_meeting(network=network, audience=Meeting.Audience.PUBLIC)

    response = client.get(reverse("meetings:ics", args=[meeting.pk]))

    assert response["Cache-Control"] == "max-age=300, public"
