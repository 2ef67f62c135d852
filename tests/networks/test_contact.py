"""Contacting a network's coordinators: stored, emailed with Reply-To, rate limited."""

import pytest
from django.core import mail
from django.urls import reverse

from networks.contact import CONTACT_LIMIT_PER_ADDRESS, CONTACT_LIMIT_PER_IP
from networks.models import ContactMessage

pytestmark = pytest.mark.django_db

THANKS = "Your message has been sent to the coordinators"
FORM = {
    "name": "Jo Parent",
    "email": "jo@home.example",
    "subject": "Joining as a new head",
    "message": "I start in September. How do I join?",
}


def _contact(client, network, follow=False, ip="192.0.2.1", **changes):
    return client.post(
        reverse("networks:contact", args=[network.slug]),
        FORM | changes,
        REMOTE_ADDR=ip,
        follow=follow,
    )


def test_a_visitors_message_is_stored_and_emailed_to_coordinators_and_administrators(
    client, network, member, coordinator, administrator
):
    response = _contact(client, network, follow=True)

    contact = ContactMessage.objects.get()
    assert (contact.network, contact.sender, contact.sender_email) == (
        network,
        None,
        "jo@home.example",
    )
    assert contact.sent_at is not None
    assert contact.send_attempts == 1
    assert response.redirect_chain[-1][0] == network.get_absolute_url()
    assert THANKS in response.content.decode()
    [email] = mail.outbox
    assert sorted(email.to) == sorted([coordinator.email, administrator.email])
    assert member.email not in email.to
    assert email.reply_to == ["Jo Parent <jo@home.example>"]
    assert "I start in September." in email.body
    assert "Joining as a new head" in email.subject


def test_a_signed_in_person_writes_as_themselves_without_name_or_email(
    client, network, head, coordinator
):
    client.force_login(head)

    response = client.post(
        reverse("networks:contact", args=[network.slug]),
        {"subject": "Hello", "message": "A question."},
    )

    assert response.status_code == 302
    contact = ContactMessage.objects.get()
    assert (contact.sender, contact.sender_email, contact.sender_name) == (
        head,
        head.email,
        head.get_full_name(),
    )
    assert mail.outbox[0].reply_to == [f"{head.get_full_name()} <{head.email}>"]


def test_a_visitor_must_give_a_name_and_an_email_address(client, network, coordinator):
    response = _contact(client, network, name="", email="not an address")

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "email"}
    assert "Enter a valid email address" in response.content.decode()
    assert not ContactMessage.objects.exists()
    assert not mail.outbox


def test_the_honeypot_stores_and_sends_nothing_but_thanks_the_bot_all_the_same(
    client, network, coordinator
):
    response = _contact(client, network, follow=True, website="http://spam.example")

    assert THANKS in response.content.decode()
    assert not ContactMessage.objects.exists()
    assert not mail.outbox


def test_a_message_is_kept_when_the_mail_server_fails(client, network, coordinator, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_backends.FailingBackend"}}

    response = _contact(client, network, follow=True)

    contact = ContactMessage.objects.get()
    assert contact.sent_at is None
    assert contact.send_attempts == 1
    assert THANKS in response.content.decode()


def test_too_many_messages_from_one_address_are_refused_for_a_while(client, network, coordinator):
    for attempt in range(CONTACT_LIMIT_PER_ADDRESS):
        assert _contact(client, network, ip=f"192.0.2.{attempt + 1}").status_code == 302

    response = _contact(client, network, ip="198.51.100.7", email="JO@home.example")

    assert response.status_code == 429
    assert "Please wait a while before sending another" in response.content.decode()
    assert ContactMessage.objects.count() == CONTACT_LIMIT_PER_ADDRESS


def test_a_signed_in_persons_limit_follows_their_account(client, network, head, coordinator):
    client.force_login(head)
    url = reverse("networks:contact", args=[network.slug])
    form = {"subject": "Hello", "message": "A question."}
    for attempt in range(CONTACT_LIMIT_PER_ADDRESS):
        assert client.post(url, form, REMOTE_ADDR=f"192.0.2.{attempt + 1}").status_code == 302

    assert client.post(url, form, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_too_many_messages_from_one_ip_address_are_refused_for_a_while(
    client, network, coordinator
):
    for attempt in range(CONTACT_LIMIT_PER_IP):
        response = _contact(client, network, email=f"sender{attempt}@home.example")
        assert response.status_code == 302

    response = _contact(client, network, email="someone.new@home.example")

    assert response.status_code == 429
    assert "Please wait a while before sending another" in response.content.decode()
    assert ContactMessage.objects.count() == CONTACT_LIMIT_PER_IP


def test_another_ip_address_is_not_held_back_by_a_busy_one(client, network, coordinator):
    for attempt in range(CONTACT_LIMIT_PER_IP + 1):
        _contact(client, network, email=f"sender{attempt}@home.example")

    assert _contact(client, network, ip="198.51.100.7").status_code == 302


def test_a_name_with_a_comma_stays_one_reply_to_address(client, network, coordinator):
    _contact(client, network, name="Parent, Jo")

    [email] = mail.outbox
    assert email.reply_to == ['"Parent, Jo" <jo@home.example>']
    assert email.message()["Reply-To"].addresses[0].addr_spec == "jo@home.example"
    assert len(email.message()["Reply-To"].addresses) == 1


def test_a_name_with_a_line_break_is_still_sent(client, network, coordinator):
    _contact(client, network, name="Jo\r\nBcc: victim@elsewhere.example")

    contact = ContactMessage.objects.get()
    assert contact.sent_at is not None
    [email] = mail.outbox
    assert email.bcc == []
    [reply_to] = email.message()["Reply-To"].addresses
    assert reply_to.addr_spec == "jo@home.example"
