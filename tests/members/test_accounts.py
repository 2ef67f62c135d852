import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD, make_user

User = get_user_model()
pytestmark = pytest.mark.django_db


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def _link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_verify_by_emailed_link_then_sign_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.head@school.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _signed_in_user_id(client) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.head@school.example"]

    # Following the emailed link and confirming verifies the address.
    confirm_url = _link_in(mail.outbox[0])
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert b"new.head@school.example" in page.content
    client.post(confirm_url)
    user = User.objects.get(email="new.head@school.example")
    assert user.emailaddress_set.get().verified

    response = client.post(
        reverse("account_login"), {"login": "new.head@school.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(user.pk)


def test_unverified_person_cannot_sign_in_and_is_told_why(client):
    make_user(email="unverified@school.example", verified=False)

    response = client.post(
        reverse("account_login"),
        {"login": "unverified@school.example", "password": PASSWORD},
        follow=True,
    )

    assert _signed_in_user_id(client) is None
    assert b"Check your email" in response.content
    # A fresh verification link is sent so they can finish.
    assert mail.outbox[-1].to == ["unverified@school.example"]


def test_sign_in_with_an_emailed_code(client):
    user = make_user(email="code.user@school.example")

    response = client.post(
        reverse("account_request_login_code"), {"email": "code.user@school.example"}
    )
    assert response.status_code == 302
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", mail.outbox[-1].body).group(1)

    response = client.post(reverse("account_confirm_login_code"), {"code": code})

    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(user.pk)


def test_a_wrong_code_does_not_sign_in(client):
    make_user(email="code.user@school.example")
    client.post(reverse("account_request_login_code"), {"email": "code.user@school.example"})

    response = client.post(reverse("account_confirm_login_code"), {"code": "AAAA-AAAA"})

    assert response.status_code == 200
    assert _signed_in_user_id(client) is None


def test_sign_in_is_case_insensitive(client):
    user = make_user(email="mixed.case@school.example")

    client.post(
        reverse("account_login"), {"login": "Mixed.Case@School.example", "password": PASSWORD}
    )

    assert _signed_in_user_id(client) == str(user.pk)


def test_same_address_in_another_case_cannot_make_a_second_account(client):
    make_user(email="head@school.example")

    response = client.post(
        reverse("account_signup"),
        {"email": "HEAD@School.Example", "password1": PASSWORD, "password2": PASSWORD},
    )

    # The answer is the same as for a new address (no enumeration)...
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    # ...but no second account exists, and the owner is told someone tried.
    assert User.objects.count() == 1
    assert mail.outbox[-1].to == ["head@school.example"]


def test_the_database_refuses_an_upper_case_duplicate():
    from django.db import IntegrityError

    make_user(email="head@school.example")
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="HEAD@school.example")])


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client):
    make_user(email="known@school.example")

    known = client.post(reverse("account_reset_password"), {"email": "known@school.example"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@school.example"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    # The known address gets a reset link; the unknown one only a notice.
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_password_reset_link_sets_a_new_password(client):
    user = make_user(email="known@school.example")
    client.post(reverse("account_reset_password"), {"email": "known@school.example"})
    link = _link_in(mail.outbox[0])

    form_page = client.get(link, follow=True)
    new_password = "a-brand-new-passphrase-42"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
    )

    user.refresh_from_db()
    assert user.check_password(new_password)


def test_sign_out_needs_a_post(client):
    user = make_user()
    client.force_login(user)

    client.get(reverse("account_logout"))
    assert _signed_in_user_id(client) == str(user.pk)

    client.post(reverse("account_logout"))
    assert _signed_in_user_id(client) is None


def test_change_of_email_is_verified_before_it_takes_effect(client):
    user = make_user(email="old@school.example")
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    client.post(reverse("account_email"), {"action_add": "", "email": "new@school.example"})

    user.refresh_from_db()
    assert user.email == "old@school.example"
    (confirmation,) = [message for message in mail.outbox if message.to == ["new@school.example"]]
    client.post(_link_in(confirmation))
    user.refresh_from_db()
    assert user.email == "new@school.example"


@override_settings(
    ACCOUNT_RATE_LIMITS={"login_failed": "3/m/ip,3/5m/key"},
)
def test_repeated_failed_sign_ins_are_rate_limited(client):
    make_user(email="target@school.example")
    for _ in range(3):
        client.post(reverse("account_login"), {"login": "target@school.example", "password": "x"})

    response = client.post(
        reverse("account_login"), {"login": "target@school.example", "password": PASSWORD}
    )

    assert _signed_in_user_id(client) is None
    assert b"Too many failed sign-in attempts" in response.content


def test_a_failing_mail_server_does_not_break_sign_up(client, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_backends.FailingBackend"}}

    response = client.post(
        reverse("account_signup"),
        {"email": "new.head@school.example", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert User.objects.filter(email="new.head@school.example").exists()


@override_settings(
    ALLOWED_HOSTS=["headnet.example.org", "other.example.net"],
    SITE_URL="https://headnet.example.org",
)
def test_emailed_links_point_at_the_site_whatever_host_the_request_named(client):
    """A request naming another host the server answers to must not send people there."""
    make_user(email="known@school.example")
    host = {"HTTP_HOST": "other.example.net"}

    client.post(reverse("account_reset_password"), {"email": "known@school.example"}, **host)
    client.post(reverse("account_reset_password"), {"email": "nobody@school.example"}, **host)
    client.post(
        reverse("account_signup"),
        {"email": "new.head@school.example", "password1": PASSWORD, "password2": PASSWORD},
        **host,
    )

    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert "other.example.net" not in message.body
    assert "https://headnet.example.org/accounts/password/reset/key/" in mail.outbox[0].body
    assert "https://headnet.example.org/accounts/signup/" in mail.outbox[1].body
    assert "https://headnet.example.org/accounts/confirm-email/" in mail.outbox[2].body
