"""Issue 14: a contact message always reaches someone, and the sender is told who."""

import pytest
from django.core import mail
from django.urls import reverse

from networks.models import ContactMessage, Membership
from tests import factories

pytestmark = pytest.mark.django_db

FORM = {"name": "Jo Parent", "email": "jo@home.example", "subject": "Hello", "message": "Hi."}


@pytest.fixture
def parent(db):
    return factories.make_network(name="Oxfordshire Secondary Heads", short_name="OSSHTA")


@pytest.fixture
def group(parent):
    """A sub-group with no coordinators of its own (OSSHTA's Coordinating Group today)."""
    return factories.make_network(
        name="OSSHTA Coordinating Group", parent=parent, requires_parent_membership=True
    )


def _url(network):
    return reverse("networks:contact", args=[network.slug])


def test_a_group_without_coordinators_writes_to_its_parents_coordinators_and_says_so(
    client, parent, group
):
    coordinator = factories.make_head(email="coordinator@school.example")
    factories.make_membership(person=coordinator, network=parent, role=Membership.Role.COORDINATOR)

    page = client.get(_url(group)).content.decode()
    assert "Who reads your message: the coordinators of OSSHTA" in page
    response = client.post(_url(group), FORM, follow=True)

    [email] = mail.outbox
    assert email.to == [coordinator.email]
    assert "sent to the coordinators of OSSHTA, which OSSHTA Coordinating Group belongs to" in (
        response.content.decode()
    )
    assert ContactMessage.objects.get().sent_at is not None


def test_with_no_coordinators_anywhere_it_goes_to_site_staff(client, parent, group, settings):
    staff = factories.make_user(email="staff@headnet.example", is_staff=True, is_superuser=True)

    assert "Headnet&#x27;s staff" in client.get(_url(group)).content.decode()
    response = client.post(_url(group), FORM, follow=True)

    [email] = mail.outbox
    assert email.to == [staff.email]
    assert settings.SERVER_EMAIL not in email.to
    assert "sent to Headnet&#x27;s staff" in response.content.decode()


def test_when_nobody_could_read_it_the_page_says_so_and_takes_no_message(client, group):
    page = client.get(_url(group)).content.decode()
    assert "Nobody can receive messages for" in page
    assert "Send message" not in page

    response = client.post(_url(group), FORM, follow=True)

    assert "has been sent" not in response.content.decode()
    assert not ContactMessage.objects.exists()
    assert not mail.outbox


def test_a_network_with_coordinators_names_them_as_its_readers(client, network, coordinator):
    page = client.get(_url(network)).content.decode()

    assert f"Who reads your message: the coordinators of {network.label}" in page
