"""Completing a profile through the pages: name, then the school and the post."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Post
from networks.models import Membership, Network
from tests.factories import PASSWORD, make_head, make_la, make_network, make_school, make_user

pytestmark = pytest.mark.django_db


def _sign_in(client, email: str):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def test_person_without_a_name_or_post_is_sent_to_their_profile_after_sign_in(client):
    make_user(email="new.head@school.example", first_name="", last_name="")

    response = _sign_in(client, "new.head@school.example")

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:profile")
    page = client.get(response["Location"])
    assert b"Complete your profile" in page.content


def test_named_person_without_a_post_is_still_sent_to_their_profile(client):
    make_user(email="named@school.example", first_name="Ada", last_name="Lovelace")

    response = _sign_in(client, "named@school.example")

    assert response["Location"] == reverse("portal:profile")


def test_person_with_a_complete_profile_signs_in_to_my_networks(client):
    make_head(email="complete@school.example")

    response = _sign_in(client, "complete@school.example")

    assert response["Location"] == reverse("me")
    page = client.get(reverse("portal:profile"))
    assert b"Complete your profile" not in page.content


def test_profile_refuses_empty_first_and_last_names(client):
    person = make_user(first_name="", last_name="")
    client.force_login(person)

    response = client.post(
        reverse("portal:profile"), {"title": "Dr", "first_name": "", "last_name": ""}
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "This field is required." in form.errors["first_name"]
    assert "This field is required." in form.errors["last_name"]
    person.refresh_from_db()
    assert person.title == ""


def test_new_head_completes_their_profile_from_sign_in_to_their_post(client):
    oxfordshire = make_la()
    school = make_school(name="Cherwell Valley Primary", la=oxfordshire, town="Banbury")
    make_school(name="Thames Meadow Primary", la=oxfordshire, town="Abingdon")
    make_user(email="new.head@school.example", first_name="", last_name="")

    # Signing in lands on the profile, which asks for a name first.
    response = _sign_in(client, "new.head@school.example")
    assert response["Location"] == reverse("portal:profile")

    response = client.post(
        reverse("portal:profile"),
        {"title": "Mrs", "first_name": "Jane", "last_name": "Ashby"},
    )
    # With no post yet, saving the name leads on to finding the school.
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:post_add")

    page = client.get(response["Location"], {"q": "cherwell"})
    assert page.status_code == 200
    assert page.context["results"] == [school]
    choose = f"{reverse('portal:post_add')}?school={school.urn}"
    assert choose.encode() in page.content

    page = client.get(choose)
    assert page.status_code == 200
    assert b"Your post at Cherwell Valley Primary" in page.content

    started_on = timezone.localdate() - datetime.timedelta(days=90)
    response = client.post(
        choose,
        {
            "school": school.urn,
            "role": Post.Role.HEADTEACHER,
            "started_on": started_on.isoformat(),
            "ended_on": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:profile")

    profile = client.get(response["Location"])
    content = profile.content.decode()
    assert "Your post at Cherwell Valley Primary has been added." in content
    assert "<strong>Headteacher</strong>, Cherwell Valley Primary" in content
    assert f"From {started_on:%-d %B %Y}" in content
    assert "Complete your profile" not in content
    # In post for three months: the profile says so.
    assert "New head" in content

    # Next time, signing in goes straight to their networks.
    client.logout()
    assert _sign_in(client, "new.head@school.example")["Location"] == reverse("me")


def test_adding_a_post_through_the_pages_enrols_the_head_in_automatic_networks(client):
    person = make_user()
    # The register names them as the school's head, so the post is verified at once.
    school = make_school(name="Cherwell Valley Primary", head=person)
    automatic = make_network(
        name="Every Oxfordshire Primary Head", join_policy=Network.JoinPolicy.AUTOMATIC
    )
    make_network(name="Join If You Like")
    client.force_login(person)

    client.post(
        f"{reverse('portal:post_add')}?school={school.urn}",
        {"role": Post.Role.HEADTEACHER, "started_on": "2025-09-01"},
    )

    assert Membership.objects.active().get(person=person).network == automatic
    my_networks = client.get(reverse("me")).content.decode()
    assert "Every Oxfordshire Primary Head" in my_networks
