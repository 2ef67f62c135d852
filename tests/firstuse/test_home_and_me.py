"""Issue 14: the signed-in home page leads with the person's own Headnet; invitations wait
on /me/ with an accept button; a network page puts membership before its About text."""

import pytest
from django.urls import reverse

from networks.models import Invitation, Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_signed_in_home_leads_with_my_networks_meetings_and_suggestions(
    client, network, member
):
    elsewhere = factories.make_network(
        name="Oldham Primary Heads", areas=[factories.make_la(code="353", name="Oldham")]
    )
    nearby = factories.make_network(name="Oxfordshire Briefings")
    meeting = factories.make_meeting(network=network, title="Spring term meeting")
    client.force_login(member)

    page = client.get(reverse("home")).content.decode()

    mine, _ = page.split('id="meetings-heading"')
    # My next meetings first (issue 21), then my networks.
    meetings, networks = mine.split('id="my-networks-heading"')
    assert "Spring term meeting" in meetings and meeting.get_absolute_url() in meetings
    assert network.get_absolute_url() in networks
    assert nearby.get_absolute_url() in mine.split('id="suggested-heading"')[1]
    assert elsewhere.get_absolute_url() not in page
    assert "Networks on Headnet" not in page


def test_a_visitor_still_sees_what_headnet_is_and_its_networks(client, network):
    page = client.get(reverse("home")).content.decode()

    assert "Create an account" in page
    assert "Networks on Headnet" in page
    assert 'id="my-networks-heading"' not in page


def test_the_signed_in_home_takes_the_same_queries_for_few_and_many(
    client, network, member, django_assert_max_num_queries
):
    factories.make_meeting(network=network)
    client.force_login(member)
    client.get(reverse("home"))  # renders the part everyone shares (the articles) once
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("home"))
    for number in range(8):
        other = factories.make_network(name=f"Extra {number}")
        factories.make_membership(person=member, network=other)
        factories.make_meeting(network=other)
        Invitation.objects.create(
            network=factories.make_network(
                name=f"Invited {number}", join_policy=Network.JoinPolicy.INVITATION
            ),
            email=member.email,
        )
    client.get(reverse("home"))  # the writes changed the version of the shared part
    with django_assert_max_num_queries(8) as many:
        client.get(reverse("home"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_invitation_waits_on_me_with_a_button_that_accepts_it(client, head):
    roundtable = factories.make_network(
        name="Headteachers' Roundtable", join_policy=Network.JoinPolicy.INVITATION
    )
    Invitation.objects.create(network=roundtable, email=head.email.upper())
    client.force_login(head)

    page = client.get(reverse("me")).content.decode()
    assert "Invitations waiting for you" in page
    assert f'action="{reverse("networks:join", args=[roundtable.slug])}"' in page
    client.post(reverse("networks:join", args=[roundtable.slug]))

    assert Membership.objects.active().filter(person=head, network=roundtable).exists()
    assert "Invitations waiting for you" not in client.get(reverse("me")).content.decode()


def test_someone_elses_invitation_does_not_show(client, head):
    roundtable = factories.make_network(join_policy=Network.JoinPolicy.INVITATION)
    Invitation.objects.create(network=roundtable, email="someone.else@school.example")
    client.force_login(head)

    assert "Invitations waiting for you" not in client.get(reverse("me")).content.decode()


def test_the_membership_box_comes_before_the_about_text(client, network):
    network.about = "A long text about the network. " * 20
    network.save()

    page = client.get(network.get_absolute_url()).content.decode()

    assert page.index('id="join-heading"') < page.index('id="about-heading"')
