"""Rate limits key on the client, read from X-Forwarded-For only behind trusted proxies."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from networks.contact import CONTACT_LIMIT_PER_IP
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
FEW_FAILED_SIGN_INS = {"login_failed": "3/m/ip"}


def _sign_in(client, email, password, forwarded_for):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def _fail_sign_ins(forwarded_for: str) -> None:
    client = Client()
    for _ in range(3):
        _sign_in(client, "target@school.example", "wrong", forwarded_for)


@override_settings(TRUSTED_PROXY_COUNT=1, ACCOUNT_RATE_LIMITS=FEW_FAILED_SIGN_INS)
def test_clients_behind_one_proxy_have_their_own_sign_in_limits(client):
    make_user(email="target@school.example")
    make_user(email="colleague@school.example")
    _fail_sign_ins("203.0.113.5")

    _sign_in(client, "colleague@school.example", PASSWORD, "203.0.113.6")

    assert client.session.get("_auth_user_id")


@override_settings(TRUSTED_PROXY_COUNT=1, ACCOUNT_RATE_LIMITS=FEW_FAILED_SIGN_INS)
def test_a_limited_client_behind_a_proxy_stays_limited(client):
    make_user(email="target@school.example")
    _fail_sign_ins("203.0.113.5")

    response = _sign_in(client, "target@school.example", PASSWORD, "203.0.113.5")

    assert client.session.get("_auth_user_id") is None
    assert b"Too many failed sign-in attempts" in response.content


@override_settings(TRUSTED_PROXY_COUNT=0, ACCOUNT_RATE_LIMITS=FEW_FAILED_SIGN_INS)
def test_without_trusted_proxies_a_spoofed_forwarded_for_does_not_change_the_key(client):
    make_user(email="target@school.example")
    _fail_sign_ins("203.0.113.5")

    response = _sign_in(client, "target@school.example", PASSWORD, "198.51.100.99")

    assert client.session.get("_auth_user_id") is None
    assert b"Too many failed sign-in attempts" in response.content


def _contact(client, network, forwarded_for, number):
    return client.post(
        reverse("networks:contact", args=[network.slug]),
        {
            "name": "A Parent",
            "email": f"sender{number}@home.example",
            "subject": "A question",
            "message": "About the network.",
        },
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.parametrize(("trusted", "other_client_status"), [(1, 302), (0, 429)])
def test_contact_limits_follow_the_client_behind_a_trusted_proxy(
    client, network, coordinator, settings, trusted, other_client_status
):
    settings.TRUSTED_PROXY_COUNT = trusted
    for number in range(CONTACT_LIMIT_PER_IP):
        assert _contact(client, network, "203.0.113.5", number).status_code == 302
    assert _contact(client, network, "203.0.113.5", 100).status_code == 429

    response = _contact(client, network, "192.0.2.1, 203.0.113.6", 101)

    assert response.status_code == other_client_status
