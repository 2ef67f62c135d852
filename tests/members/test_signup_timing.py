"""Signing up with a known address does the same work as with a new one, so timing tells nothing."""

from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import User
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


def _work(client, email):
    """The rows sign-up writes (kept or not) and the emails it queues, for one address."""
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("account_signup"),
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
    inserts = sorted(
        query["sql"].split('"')[1]
        for query in queries.captured_queries
        if query["sql"].startswith("INSERT INTO")
    )
    return response, inserts, len(mail.outbox)


def test_signing_up_with_a_known_address_writes_an_account_like_a_new_one_and_keeps_none(
    client,
):
    """The attack: a known address answered about 100 ms sooner, for want of the new
    account's rows. It now writes them too, in a transaction it rolls back."""
    make_user(email="known@school.example")
    people = User.objects.count()

    _, new_inserts, new_emails = _work(client, "new@school.example")
    client.logout()
    _, known_inserts, known_emails = _work(client, "known@school.example")

    assert "members_user" in new_inserts and "account_emailaddress" in new_inserts
    assert known_inserts == new_inserts
    assert known_emails == new_emails == 1  # confirmation / "you already have an account"
    assert User.objects.count() == people + 1  # only the new address's account
    assert not EmailAddress.objects.filter(email__endswith=".invalid").exists()
    assert "already" in mail.outbox[0].body
