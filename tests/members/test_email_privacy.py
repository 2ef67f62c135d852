"""Who sees a person's email address: members of their networks if they allow it; nobody
else, ever; site staff and the person themselves always."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from networks.access import can_see_email
from networks.models import Membership
from tests.factories import make_head, make_membership, make_user

pytestmark = pytest.mark.django_db

EMAIL = "ruth.marlowe@school.example"


def _person(*, opted_in: bool, network=None):
    person = make_head(email=EMAIL, show_email_to_members=opted_in)
    if network is not None:
        make_membership(person=person, network=network)
    return person


def _page(client, viewer, person):
    """The person's page as the viewer gets it (a 404 for those who share no network)."""
    client.force_login(viewer)
    return client.get(reverse("portal:person", args=[person.pk])).content.decode()


def test_fellow_member_sees_the_email_of_a_person_who_allows_it(client, network, member):
    person = _person(opted_in=True, network=network)

    assert can_see_email(member, person)
    assert f'href="mailto:{EMAIL}"' in _page(client, member, person)


def test_fellow_member_does_not_see_the_email_of_a_person_who_has_not_allowed_it(
    client, network, member
):
    person = _person(opted_in=False, network=network)

    assert not can_see_email(member, person)
    assert EMAIL not in _page(client, member, person)


def test_member_of_another_network_never_sees_the_email_even_when_allowed(
    client, network, outsider_member
):
    person = _person(opted_in=True, network=network)

    assert not can_see_email(outsider_member, person)
    assert EMAIL not in _page(client, outsider_member, person)


def test_signed_in_head_in_no_network_never_sees_the_email(client, network, head):
    person = _person(opted_in=True, network=network)

    assert not can_see_email(head, person)
    assert EMAIL not in _page(client, head, person)


def test_pending_member_does_not_see_fellow_members_emails(client, network):
    person = _person(opted_in=True, network=network)
    applicant = make_head()
    make_membership(person=applicant, network=network, status=Membership.Status.PENDING)

    assert not can_see_email(applicant, person)
    assert EMAIL not in _page(client, applicant, person)


def test_former_member_no_longer_sees_the_email(client, network):
    person = _person(opted_in=True, network=network)
    former = make_head()
    make_membership(person=former, network=network, status=Membership.Status.LEFT)

    assert not can_see_email(former, person)


def test_member_does_not_see_the_email_of_someone_who_has_left_the_network(network, member):
    person = _person(opted_in=True)
    make_membership(person=person, network=network, status=Membership.Status.LEFT)

    assert not can_see_email(member, person)


def test_sharing_any_one_network_is_enough(network, other_network):
    person = _person(opted_in=True, network=other_network)
    viewer = make_head()
    make_membership(person=viewer, network=network)
    make_membership(person=viewer, network=other_network)

    assert can_see_email(viewer, person)


def test_visitor_is_asked_to_sign_in_to_see_a_person(client, network):
    person = _person(opted_in=True, network=network)

    response = client.get(reverse("portal:person", args=[person.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not can_see_email(AnonymousUser(), person)


def test_person_sees_their_own_email_whatever_the_setting(client):
    person = _person(opted_in=False)

    assert can_see_email(person, person)
    assert f'href="mailto:{EMAIL}"' in _page(client, person, person)


def test_site_staff_always_see_the_email(client, staff):
    person = _person(opted_in=False)

    assert can_see_email(staff, person)
    assert f'href="mailto:{EMAIL}"' in _page(client, staff, person)


def test_admin_site_access_alone_does_not_show_emails(client, network):
    # is_staff only opens the admin site; site staff are superusers.
    person = _person(opted_in=True, network=network)
    admin_site_user = make_user(is_staff=True)

    assert not can_see_email(admin_site_user, person)
    assert EMAIL not in _page(client, admin_site_user, person)


def test_a_person_can_allow_members_to_see_their_email_from_their_profile(client, network, member):
    person = _person(opted_in=False, network=network)
    client.force_login(person)

    client.post(
        reverse("portal:profile"),
        {
            "title": "",
            "first_name": "Ruth",
            "last_name": "Marlowe",
            "show_email_to_members": "on",
        },
    )

    person.refresh_from_db()
    assert person.show_email_to_members
    assert can_see_email(member, person)
