"""Issue 14: adding a post says at once what it did, and what happens next when it waits."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from fees.models import FeeScheme
from members.models import Post, School
from networks import services
from networks.models import Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def osshta(db):
    network = factories.make_network(
        name="Oxfordshire Secondary Head Teacher Association",
        short_name="OSSHTA",
        slug="osshta",
        sectors=[School.Sector.SECONDARY],
        join_policy=Network.JoinPolicy.AUTOMATIC,
        basis=Network.Basis.SCHOOL,
    )
    FeeScheme.objects.create(network=network, flat_amount_pence=45000, reference_prefix="OSSHTA")
    return network


def _add_post(client, person, school):
    client.force_login(person)
    return client.post(
        reverse("portal:post_add") + f"?school={school.urn}",
        {"school": school.urn, "role": Post.Role.HEADTEACHER, "started_on": "2026-09-01"},
        follow=True,
    )


def _said(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def test_a_verified_head_hears_at_once_they_are_in_the_automatic_network_and_its_fee(
    client, osshta
):
    person = factories.make_user(first_name="Alex", last_name="Morgan")
    school = factories.make_school(
        name="Cherwell School", sector=School.Sector.SECONDARY, head=person
    )

    response = _add_post(client, person, school)

    text = response.content.decode()
    assert "You are now a member of Oxfordshire Secondary Head Teacher Association (OSSHTA)" in text
    assert "Cherwell School is the member school and you hold its seat" in text
    assert "your school&#x27;s annual fee is £450.00" in text
    assert Membership.objects.active().filter(person=person, network=osshta).exists()
    welcome = [message for message in mail.outbox if "Welcome to OSSHTA" in message.subject]
    assert len(welcome) == 1
    assert welcome[0].to == [person.email]
    assert "£450.00" in welcome[0].body and "/networks/osshta/" in welcome[0].body


def test_an_unconfirmed_headship_says_who_confirms_it_and_what_it_will_bring(client, osshta):
    current_head = factories.make_user(email="current.head@school.example")
    school = factories.make_school(name="Cherwell School", sector=School.Sector.SECONDARY)
    factories.make_post(person=current_head, school=school)
    claimant = factories.make_user(email="claimant@school.example")

    response = _add_post(client, claimant, school)

    text = response.content.decode()
    assert "waiting for confirmation by the school&#x27;s head (we have emailed them)" in text
    assert "Once it is confirmed you will be a member of OSSHTA automatically" in text
    assert "You are now a member" not in text
    assert not Membership.objects.filter(person=claimant, network=osshta).exists()
    assert not [message for message in mail.outbox if "Welcome" in message.subject]


def test_a_claim_nobody_at_the_school_can_confirm_names_who_will(client, osshta):
    school = factories.make_school(sector=School.Sector.SECONDARY)
    claimant = factories.make_user()

    response = _add_post(client, claimant, school)

    assert "an administrator of one of the school&#x27;s networks, or Headnet&#x27;s staff" in (
        response.content.decode()
    )


def test_confirming_the_claim_later_welcomes_the_new_member_by_email(client, osshta):
    school = factories.make_school(sector=School.Sector.SECONDARY)
    claimant = factories.make_user()
    _add_post(client, claimant, school)
    mail.outbox.clear()

    services.confirm_claim(
        post=claimant.posts.get(), how=Post.How.SITE_STAFF, by=factories.make_user()
    )

    assert [message.to for message in mail.outbox if "Welcome to OSSHTA" in message.subject] == [
        [claimant.email]
    ]


def test_the_profile_suggests_the_networks_a_post_opens(client):
    network = factories.make_network(name="Oxfordshire Primary Heads")
    head = factories.make_head()
    client.force_login(head)

    response = client.get(reverse("portal:profile"))

    suggestions = response.content.decode().split('id="suggested-heading"')[1]
    assert network.name in suggestions
    assert network.get_absolute_url() in suggestions


def test_the_daily_reconcile_welcomes_people_it_enrols_but_the_demo_does_not(osshta):
    school = factories.make_school(sector=School.Sector.SECONDARY)
    person = factories.make_head(school=school)

    services.sync_automatic_memberships(person=person, welcome=False)
    assert not mail.outbox
    other = factories.make_head(school=factories.make_school(sector=School.Sector.SECONDARY))
    services.reconcile_automatic_memberships()
    assert [message.to for message in mail.outbox] == [[other.email]]
