"""What every page shares: the breadcrumb trail, messages by level, errors announced."""

import pytest
from django.urls import reverse

from members.models import School
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_error_message_is_an_alert_that_is_announced(client, network):
    secondary_head = factories.make_head(
        school=factories.make_school(sector=School.Sector.SECONDARY)
    )
    client.force_login(secondary_head)

    response = client.post(reverse("networks:join", args=[network.slug]), follow=True)

    assert '<div class="alert alert-danger" role="alert">' in response.content.decode()


def test_a_success_message_is_a_polite_status(client, head, network):
    client.force_login(head)

    response = client.post(reverse("networks:join", args=[network.slug]), follow=True)

    html = response.content.decode()
    assert '<div class="alert alert-success" role="status">You are now a member' in html


def test_a_form_field_error_is_announced(client, network, coordinator):
    response = client.post(
        reverse("networks:contact", args=[network.slug]),
        {"name": "Ann", "email": "ann@school.example", "subject": "", "message": "Hello"},
    )

    assert 'class="invalid-feedback d-block" role="alert"' in response.content.decode()


def test_a_sub_group_page_leads_back_through_its_parent(client, member, network):
    subgroup = factories.make_network(name="Data Group", slug="data-group", parent=network)
    factories.make_membership(person=member, network=subgroup)
    client.force_login(member)

    html = client.get(reverse("networks:members", args=[subgroup.slug])).content.decode()

    trail = html[html.index('aria-label="Breadcrumb"') :]
    trail = trail[: trail.index("</nav>")]
    assert trail.index("Networks") < trail.index(network.name) < trail.index("Data Group")
    assert 'aria-current="page">Members</li>' in trail


def test_coordinators_are_named_with_their_school(client, network):
    school = factories.make_school(name="Banbury Primary")
    person = factories.make_head(school=school, first_name="Ann", last_name="Smith")
    factories.make_membership(person=person, network=network, role="coordinator")

    html = client.get(reverse("networks:detail", args=[network.slug])).content.decode()

    assert "Ann Smith, Banbury Primary" in html


# Issue 21, item 11: on a phone the page is read top to bottom, so a member's next
# meetings come before the membership box (Leave) and About; a visitor's page still
# opens with how to join and what the network is.


def _position(html: str, text: str) -> int:
    assert text in html, text
    return html.index(text)


def test_a_member_s_network_page_shows_next_meetings_before_leave_and_about(
    client, member, network
):
    network.about = "What the network is for."
    network.save()
    factories.make_meeting(network=network, title="Spring meeting")
    client.force_login(member)

    html = client.get(reverse("networks:detail", args=[network.slug])).content.decode()

    main = html[html.index("<h1>") :]
    meetings = _position(main, 'id="next-meetings-heading"')
    assert meetings < _position(main, 'id="join-heading"')
    assert meetings < _position(main, "Leave")
    assert meetings < _position(main, 'id="about-heading"')


def test_a_visitor_s_network_page_opens_with_joining_and_about_before_meetings(client, network):
    network.about = "What the network is for."
    network.save()

    html = client.get(reverse("networks:detail", args=[network.slug])).content.decode()

    main = html[html.index("<h1>") :]
    meetings = _position(main, 'id="next-meetings-heading"')
    assert _position(main, 'id="join-heading"') < _position(main, 'id="about-heading"') < meetings
