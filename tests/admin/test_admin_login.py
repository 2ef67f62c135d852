"""The admin has no sign-in of its own: it sends people to allauth's, with its rate limits."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_posting_a_password_to_the_admin_login_does_not_sign_in(client, staff):
    for _ in range(30):
        client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": "wrong"})

    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD}
    )

    assert client.session.get("_auth_user_id") is None
    assert response.status_code == 302


def test_the_admin_sends_visitors_to_the_site_sign_in_keeping_next(client):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == f"{reverse('account_login')}?next=/admin/"
    assert response.status_code == 200


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/m/ip"})
def test_the_sign_in_page_reached_from_the_admin_is_rate_limited(client, staff):
    sign_in_url = client.get("/admin/login/?next=/admin/")["Location"]
    for _ in range(3):
        client.post(sign_in_url, {"login": staff.email, "password": "wrong"})

    response = client.post(sign_in_url, {"login": staff.email, "password": PASSWORD})

    assert client.session.get("_auth_user_id") is None
    assert b"Too many failed sign-in attempts" in response.content


def test_staff_signing_in_from_the_admin_land_in_the_admin(client, staff):
    sign_in_url = client.get("/admin/login/?next=/admin/")["Location"]

    response = client.post(sign_in_url, {"login": staff.email, "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/admin/"
    assert b"Networks, people and schools" in response.content


def test_a_signed_in_person_who_is_not_staff_is_refused_not_looped(client, head):
    client.force_login(head)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
