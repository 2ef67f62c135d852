"""Issue 14: email that reads well. The site is Headnet, links survive, subjects are plain."""

import email
import email.policy
import re

import pytest
from django.core import mail
from django.urls import reverse

from core.email import queue_email, queue_templated_email
from tests.factories import PASSWORD, make_post, make_user

pytestmark = pytest.mark.django_db

LONG_LINK = "https://headnet.example.org/accounts/confirm-email/" + "x" * 140 + "/"


def _as_received(message) -> email.message.EmailMessage:
    """The message as a mail client parses it from the wire."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def _raw_and_decoded(message) -> tuple[str, str]:
    raw = message.message().as_bytes().decode("utf-8")
    decoded = _as_received(message).get_body(("plain",)).get_content()
    return raw, decoded


@pytest.mark.parametrize("greeting", ["Hello", "Your school's fee is £450 – thank you"])
def test_a_200_character_link_stays_on_one_line_in_the_sent_message(greeting):
    assert len(LONG_LINK) >= 190
    queue_email(subject="A link", body=f"{greeting}\n\n{LONG_LINK}\n", to=["head@school.example"])

    raw, decoded = _raw_and_decoded(mail.outbox[-1])
    # Whole in what a client shows and in the message's own text (console, "view source").
    assert LONG_LINK in decoded.splitlines()
    assert LONG_LINK in raw.splitlines()
    assert "quoted-printable" not in raw.lower()
    assert greeting in decoded


def test_sign_up_confirmation_calls_the_site_headnet_and_keeps_its_link_whole(client, settings):
    settings.SITE_URL = "https://headnet.example.org"
    client.post(
        reverse("account_signup"),
        {"email": "new.head@school.example", "password1": PASSWORD, "password2": PASSWORD},
    )

    message = mail.outbox[-1]
    raw, decoded = _raw_and_decoded(message)
    assert decoded.startswith("Hello from Headnet,")
    assert "an account on Headnet" in decoded
    assert "Headnet: https://headnet.example.org" in decoded
    assert "example.com" not in decoded
    assert message.subject.startswith("[Headnet] ")
    assert "\n" not in message.subject
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", decoded)[0]
    assert link in raw.splitlines()


def test_confirming_the_address_signs_the_person_in_and_takes_them_to_their_profile(client):
    client.post(
        reverse("account_signup"),
        {"email": "new.head@school.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    confirm_path = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body
    )[1]

    response = client.post(confirm_path)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:profile")
    assert client.session.get("_auth_user_id")


def test_a_confirmation_link_opened_in_another_browser_still_asks_for_the_password(client):
    client.post(
        reverse("account_signup"),
        {"email": "new.head@school.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    confirm_path = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body
    )[1]
    client.logout()
    client.cookies.clear()

    response = client.post(confirm_path)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not client.session.get("_auth_user_id")


def test_our_own_templated_email_keeps_a_long_link_whole(settings):
    settings.SITE_URL = "https://headnet.example.org/" + "deep/" * 30
    post = make_post(person=make_user(), verified=False)

    queue_templated_email(
        "members/email/post_rejected", to=[post.person.email], context={"post": post}
    )

    raw, decoded = _raw_and_decoded(mail.outbox[-1])
    long_lines = [line for line in decoded.splitlines() if len(line) > 150]
    assert long_lines
    assert all(line in raw.splitlines() for line in long_lines)
