"""Contact Headnet (issue 21, item 10): the account pages' "contact us" leads somewhere real,
a form to Headnet's staff built from the coordinators' form's pieces."""

import pytest
from django.core import mail
from django.urls import reverse

from networks.contact import CONTACT_LIMIT_PER_ADDRESS
from tests import factories

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Jo Newhead",
    "email": "jo.newhead@example.net",
    "subject": "No confirmation email",
    "message": "I signed up an hour ago and nothing has come.",
}


def test_a_visitor_writes_to_headnet_s_staff_who_can_reply(client, staff):
    page = client.get(reverse("portal:contact")).content.decode()
    response = client.post(reverse("portal:contact"), FORM, follow=True)

    assert "<h1>Contact Headnet</h1>" in page
    assert staff.email not in page
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your message has been sent to Headnet&#x27;s staff" in response.content.decode()
    [email] = mail.outbox
    assert email.to == [staff.email]
    assert email.reply_to == ["Jo Newhead <jo.newhead@example.net>"]
    assert "No confirmation email" in email.subject
    assert "nothing has come" in email.body


def test_a_signed_in_person_writes_as_themselves(client, head, staff):
    client.force_login(head)

    page = client.get(reverse("portal:contact")).content.decode()
    client.post(reverse("portal:contact"), {"subject": "Help", "message": "Please"})

    assert 'name="email"' not in page and head.email in page
    assert mail.outbox[0].reply_to == [f"{head.get_full_name()} <{head.email}>"]


def test_writing_to_staff_is_rate_limited(client, staff):
    for number in range(CONTACT_LIMIT_PER_ADDRESS):
        client.post(reverse("portal:contact"), FORM | {"subject": f"Try {number}"})

    refused = client.post(reverse("portal:contact"), FORM)

    assert refused.status_code == 429
    assert len(mail.outbox) == CONTACT_LIMIT_PER_ADDRESS


def test_a_bot_is_thanked_and_nothing_is_sent(client, staff):
    client.post(reverse("portal:contact"), FORM | {"website": "http://spam.example"})

    assert mail.outbox == []


def test_without_staff_the_page_says_nobody_can_receive_it_and_takes_nothing(client):
    factories.make_user(email="not.staff@example.org")

    response = client.post(reverse("portal:contact"), FORM)

    assert "Headnet has no staff to receive messages yet" in response.content.decode()
    assert mail.outbox == []


def test_every_page_s_footer_links_to_contact_headnet(client):
    content = client.get(reverse("home")).content.decode()

    assert f'<a href="{reverse("portal:contact")}">Contact Headnet</a>' in content
