"""Signing up with a known address does the same work as with a new one, so timing tells nothing."""

from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _sign_up(client, email):
    """The response and how many passwords were hashed while answering."""
    original = MD5PasswordHasher.encode
    with mock.patch.object(
        MD5PasswordHasher, "encode", autospec=True, side_effect=original
    ) as encode:
        response = client.post(
            reverse("account_signup"),
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
    return response, encode.call_count


def test_signing_up_with_a_known_address_hashes_a_password_like_a_new_one(client):
    make_user(email="known@school.example")

    new_response, new_hashes = _sign_up(client, "new@school.example")
    client.logout()
    known_response, known_hashes = _sign_up(client, "known@school.example")

    assert new_hashes >= 1
    assert known_hashes == new_hashes
    assert known_response.status_code == new_response.status_code == 302
    assert known_response["Location"] == new_response["Location"]
