"""Personal data by contribution: each app gives its part of the download and forgets its
part on closure; the portal asks them all. A model that points at a person must be covered."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from networks.models import ContactMessage, Invitation, Membership, WorkhubMembership
from portal import services
from tests import factories

pytestmark = pytest.mark.django_db

# Every model with a link to a person, and what closing an account does to its rows.
# A new model that points at people fails the test below until it is added here,
# and its app's forget_person handles it.
PERSON_LINKS = {
    ("members", "Post", "person"): "deleted",
    ("members", "Designation", "person"): "deleted",
    ("members", "PostDecision", "decided_by"): "kept without the person",
    ("networks", "Membership", "person"): "deleted or kept without the person",
    ("networks", "Membership", "decided_by"): "kept without the person",
    ("networks", "Invitation", "invited_by"): "kept without the person",
    ("networks", "WorkhubMembership", "person"): "deleted",
    ("networks", "ContactMessage", "sender"): "kept without the person",
    ("account", "EmailAddress", "user"): "deleted",
}


def _links_to_people():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey | models.OneToOneField)
                and field.related_model is user_model
                and not model._meta.app_label.startswith(("admin", "auth", "django_tasks"))
                and model._meta.app_label not in {"usersessions", "mfa", "socialaccount"}
            ):
                found.add((model._meta.app_label, model.__name__, field.name))
    return found


def test_every_link_to_a_person_is_known_to_the_privacy_parts():
    assert _links_to_people() <= set(PERSON_LINKS), (
        "A model links to people: add it to PERSON_LINKS and to its app's forget_person."
    )


def test_closing_an_account_leaves_no_row_that_points_at_the_person(network, staff):
    person = factories.make_head(email="leaving@school.example")
    school = person.posts.get().school
    seat_network = factories.make_network(basis="school", slug="seats")
    factories.make_membership(person=person, network=seat_network, school=school)
    factories.make_membership(person=person, network=network, role="administrator")
    workhub = factories.make_workhub(network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=person, is_lead=True)
    other = factories.make_head()
    pending = factories.make_membership(person=other, network=network, status="pending")
    Membership.objects.filter(pk=pending.pk).update(decided_by=person)
    Invitation.objects.create(network=network, email="friend@school.example", invited_by=person)
    Invitation.objects.create(network=network, email=person.email, invited_by=staff)
    ContactMessage.objects.create(
        network=network, sender=person, sender_name="Leaving", sender_email=person.email,
        subject="Hello", message="A question",
    )  # fmt: skip
    person_id, email = person.pk, person.email

    services.close_account(person=person)

    for app_label, model_name, field in _links_to_people():
        model = apps.get_model(app_label, model_name)
        assert not model.objects.filter(**{f"{field}_id": person_id}).exists(), model_name
    assert not Invitation.objects.filter(email=email).exists()
    assert Membership.objects.filter(network=seat_network, school=school, person=None).exists()


def test_the_download_has_every_part_of_every_app(network):
    person = factories.make_head()
    factories.make_membership(person=person, network=network)

    data = services.personal_data(person)

    for part in services.PRIVACY_PARTS:
        assert set(part.personal_data(person)) <= set(data)
    assert data["account"]["email"] == person.email
    assert [row["network"] for row in data["memberships"]] == [network.name]
