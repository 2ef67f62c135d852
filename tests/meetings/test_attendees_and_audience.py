"""The attendee list a coordinator reads on a phone, and who a meeting is for in words."""

import pytest
from django.urls import reverse

from meetings.models import Meeting
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_attendee_table_has_its_caption_on_top_and_a_school_column(
    client, network, coordinator
):
    meeting = factories.make_meeting(network=network, capacity=10)
    school = factories.make_school(name="Cherwell Primary School")
    head = factories.make_head(school=school, first_name="Ann", last_name="Smith")
    factories.make_registration(meeting=meeting, person=head)
    client.force_login(coordinator)
    page = client.get(reverse("meetings:attendees", args=[meeting.pk])).content.decode()

    assert 'class="table caption-top"' in page  # Bootstrap puts captions below otherwise
    assert "<caption>Going (1 of 10)</caption>" in page
    assert '<th scope="col">School</th>' in page
    assert "<td>Cherwell Primary School</td>" in page
    # On a phone's width, a list instead of a table wider than the screen.
    assert 'class="d-none d-md-block"' in page and 'class="d-md-none mb-4"' in page
    assert page.count("Cherwell Primary School") == 2


def test_the_attendee_csv_has_the_school(client, network, coordinator):
    meeting = factories.make_meeting(network=network)
    school = factories.make_school(name="Cherwell Primary School")
    factories.make_registration(meeting=meeting, person=factories.make_head(school=school))
    client.force_login(coordinator)
    response = client.get(reverse("meetings:attendees_csv", args=[meeting.pk]))
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert "School" in rows[0] and "Cherwell Primary School" in rows[1]


def test_a_signed_in_meeting_says_who_it_is_for_from_the_network_s_eligibility(client, network):
    meeting = factories.make_meeting(network=network, audience=Meeting.Audience.SIGNED_IN)
    governor = factories.make_user(email="chair@governors.example")
    client.force_login(governor)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Any signed-in head" not in page
    who = network.eligibility_text.removeprefix("Open to ")
    assert f"For {who}, signed in to Headnet" in page


def test_a_network_s_own_audience_words_are_used(client, network):
    network.audience = "Headteachers and chairs of governors of Oxfordshire schools"
    network.save()
    meeting = factories.make_meeting(network=network, audience=Meeting.Audience.SIGNED_IN)
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 302  # a visitor signs in first
    client.force_login(factories.make_user())
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert (
        "For headteachers and chairs of governors of Oxfordshire schools, signed in to Headnet"
        in page
    )


def test_members_and_public_meetings_say_so(client, network, member):
    client.force_login(member)
    members = factories.make_meeting(network=network)
    public = factories.make_meeting(network=network, audience="public")
    assert f"Members of {network.label}" in client.get(members.get_absolute_url()).content.decode()
    assert "Anyone: no account needed" in client.get(public.get_absolute_url()).content.decode()
