"""Writing to a listed leader (issue 21, item 6): the directory is no longer a dead end.

The message is stored and emailed to the leader with the sender as Reply-To; the
leader's address is never shown; only people who may see the directory may write, a
limited number of times; a leader who withdraws can no longer be written to.
"""

import pytest
from django.core import mail
from django.urls import reverse

from leaders import services
from leaders.models import LeaderMessage, Listing
from members.models import Designation
from networks.contact import CONTACT_LIMIT_PER_ADDRESS
from portal.services import close_account, personal_data
from tests import factories

pytestmark = pytest.mark.django_db

MESSAGE = {
    "subject": "Interim headship from January",
    "message": "Our head leaves at Christmas. Could we talk this week?",
}


@pytest.fixture
def essex():
    return factories.make_la(code="881", name="Essex")


@pytest.fixture
def leader(essex):
    """An Essex interim head, confirmed and listed as available now."""
    person = factories.make_head(
        school=factories.make_school(la=essex, name="Saltmarsh Primary"),
        email="iris.keel@saltmarsh.example",
        first_name="Iris",
        last_name="Keel",
    )
    Designation.objects.create(
        person=person,
        kind=Designation.Kind.INTERIM_HEAD,
        evidence="Essex roster",
        state=Designation.State.CONFIRMED,
    )
    services.list_person(person=person, availability="available", note="From January")
    return person


def _contact_url(leader):
    return reverse("leaders:contact", args=[leader.leader_listing.pk])


def test_a_head_finds_an_interim_head_in_the_directory_and_writes_to_them(client, head, leader):
    client.force_login(head)

    directory = client.get(reverse("leaders:directory"), {"area": "881"}).content.decode()
    form = client.get(_contact_url(leader)).content.decode()
    response = client.post(_contact_url(leader), MESSAGE, follow=True)

    assert f'<a href="{_contact_url(leader)}">Write to Iris Keel</a>' in directory
    assert "<h1>Write to Iris Keel</h1>" in form
    assert "available now" in form and "From January" in form
    assert response.redirect_chain[-1][0] == reverse("leaders:directory")
    assert f"Your message has been sent to Iris Keel. They will reply by email to {head.email}" in (
        response.content.decode()
    )
    stored = LeaderMessage.objects.get()
    assert (stored.leader, stored.sender, stored.sender_email) == (leader, head, head.email)
    assert stored.subject == MESSAGE["subject"] and stored.message == MESSAGE["message"]
    [email] = mail.outbox
    assert email.to == [leader.email]
    assert email.reply_to == [f"{head.get_full_name()} <{head.email}>"]
    assert "Interim headship from January" in email.subject
    assert "Our head leaves at Christmas." in email.body
    school = head.current_post.school.name
    assert "wrote to you through Headnet's leaders directory" in email.body
    assert school in email.body
    assert "/leaders/me/" in email.body  # how to stop being written to


def test_the_leader_s_address_is_never_shown_to_the_person_writing(client, head, leader):
    client.force_login(head)

    pages = [
        client.get(reverse("leaders:directory")).content.decode(),
        client.get(_contact_url(leader)).content.decode(),
        client.post(_contact_url(leader), MESSAGE, follow=True).content.decode(),
    ]

    for content in pages:
        assert leader.email not in content
        assert "saltmarsh.example" not in content


@pytest.mark.parametrize("persona", ["visitor", "administrator", "unconfirmed_head"])
def test_only_people_who_may_see_the_directory_may_write(client, request, leader, persona):
    if persona == "unconfirmed_head":
        client.force_login(factories.make_head(verified=False))
    elif persona != "visitor":
        client.force_login(request.getfixturevalue(persona))

    page = client.get(_contact_url(leader))
    sent = client.post(_contact_url(leader), MESSAGE)

    expected = 302 if persona == "visitor" else 403
    assert page.status_code == sent.status_code == expected
    assert not LeaderMessage.objects.exists()
    assert mail.outbox == []


def test_a_leader_who_withdraws_can_no_longer_be_written_to(client, head, leader):
    url = _contact_url(leader)
    services.withdraw_listing(person=leader)
    client.force_login(head)

    page = client.get(url)
    sent = client.post(url, MESSAGE)

    assert page.status_code == sent.status_code == 404
    assert not LeaderMessage.objects.exists()
    assert mail.outbox == []
    assert "Write to Iris Keel" not in client.get(reverse("leaders:directory")).content.decode()


def test_a_listing_without_a_confirmed_designation_cannot_be_written_to(client, head, leader):
    Designation.objects.filter(person=leader).update(state=Designation.State.CLAIMED)
    client.force_login(head)

    assert client.get(_contact_url(leader)).status_code == 404
    assert client.post(_contact_url(leader), MESSAGE).status_code == 404
    assert not LeaderMessage.objects.exists()


def test_a_leader_is_not_offered_a_way_to_write_to_themselves(client, leader):
    client.force_login(leader)

    directory = client.get(reverse("leaders:directory")).content.decode()

    assert "Iris Keel" in directory and "Write to Iris Keel" not in directory
    assert client.post(_contact_url(leader), MESSAGE).status_code == 404
    assert not LeaderMessage.objects.exists()


def test_writing_to_leaders_is_rate_limited(client, head, leader):
    client.force_login(head)
    for number in range(CONTACT_LIMIT_PER_ADDRESS):
        client.post(_contact_url(leader), MESSAGE | {"subject": f"Message {number}"})

    refused = client.post(_contact_url(leader), MESSAGE | {"subject": "One too many"})

    assert refused.status_code == 429
    assert "You have sent several messages in the last hour" in refused.content.decode()
    assert LeaderMessage.objects.count() == len(mail.outbox) == CONTACT_LIMIT_PER_ADDRESS
    assert not LeaderMessage.objects.filter(subject="One too many").exists()


def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_sent(client, head, leader):
    client.force_login(head)

    response = client.post(_contact_url(leader), MESSAGE | {"website": "http://spam"}, follow=True)

    assert "Your message has been sent" in response.content.decode()
    assert not LeaderMessage.objects.exists()
    assert mail.outbox == []


def test_a_message_needs_a_subject_and_a_text(client, head, leader):
    client.force_login(head)

    response = client.post(_contact_url(leader), {"subject": "", "message": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not LeaderMessage.objects.exists()


def test_the_service_refuses_a_listing_withdrawn_in_the_meantime(head, leader):
    listing = leader.leader_listing
    Listing.objects.filter(pk=listing.pk).delete()

    with pytest.raises(Exception, match="no longer listed"):
        services.send_leader_message(listing=listing, sender=head, subject="Hi", message="Hello")
    assert not LeaderMessage.objects.exists()


def test_messages_are_in_both_people_s_data_and_go_when_either_closes_their_account(
    client, head, leader
):
    client.force_login(head)
    client.post(_contact_url(leader), MESSAGE)

    sent = personal_data(head)["leaders_directory_messages_sent"]
    received = personal_data(leader)["leaders_directory_messages_received"]
    close_account(person=head)

    assert [row["subject"] for row in sent] == [MESSAGE["subject"]]
    assert sent[0]["to"] == "Iris Keel"
    assert received[0]["from"] == f"{head.get_full_name()} <{head.email}>"
    assert not LeaderMessage.objects.exists()
