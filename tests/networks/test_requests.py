"""Deciding join requests: the services and the requests page of /networks/<slug>/requests/."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from networks import services
from networks.models import Membership, Network
from networks.views import INVITE_LIMIT_PER_ADDRESS, INVITE_LIMIT_PER_NETWORK
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval_network(network):
    network.join_policy = Network.JoinPolicy.APPROVAL
    network.save()
    return network


def _request_to_join(network) -> Membership:
    membership = services.join_network(person=factories.make_head(), network=network)
    assert membership.is_pending
    return membership


def _decide(client, network, decision, memberships, reason=""):
    return client.post(
        reverse("networks:requests", args=[network.slug]),
        {"decision": decision, "membership": [m.pk for m in memberships], "reason": reason},
        follow=True,
    )


def test_approving_a_request_makes_an_active_member_and_emails_them(
    approval_network, administrator
):
    membership = _request_to_join(approval_network)
    mail.outbox.clear()

    services.approve_membership(membership=membership, by=administrator)

    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert membership.decided_by == administrator
    assert [email.to for email in mail.outbox] == [[membership.person.email]]
    assert "approved" in mail.outbox[0].subject


def test_declining_with_a_reason_emails_the_reason(approval_network, administrator):
    membership = _request_to_join(approval_network)
    mail.outbox.clear()

    services.decline_membership(
        membership=membership, by=administrator, reason="  We are full this year.  "
    )

    membership.refresh_from_db()
    assert membership.status == Membership.Status.DECLINED
    assert membership.decline_reason == "We are full this year."
    assert mail.outbox[0].to == [membership.person.email]
    assert "We are full this year." in mail.outbox[0].body


def test_a_request_cannot_be_decided_twice(approval_network, administrator):
    membership = _request_to_join(approval_network)
    services.approve_membership(membership=membership, by=administrator)

    with pytest.raises(ValidationError, match="already been decided"):
        services.decline_membership(membership=membership, by=administrator)


def test_the_requests_page_lists_pending_requests(client, approval_network, administrator):
    membership = _request_to_join(approval_network)
    client.force_login(administrator)

    response = client.get(reverse("networks:requests", args=[approval_network.slug]))

    assert membership.person.get_full_name() in response.content.decode()


def test_an_administrator_approves_several_requests_at_once(
    client, approval_network, administrator
):
    chosen = [_request_to_join(approval_network) for _ in range(3)]
    left_alone = _request_to_join(approval_network)
    mail.outbox.clear()
    client.force_login(administrator)

    response = _decide(client, approval_network, "approve", chosen)

    assert response.redirect_chain[-1][0] == reverse(
        "networks:requests", args=[approval_network.slug]
    )
    assert "Approved:" in response.content.decode()
    for membership in chosen:
        membership.refresh_from_db()
        assert membership.status == Membership.Status.ACTIVE
    left_alone.refresh_from_db()
    assert left_alone.status == Membership.Status.PENDING
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        membership.person.email for membership in chosen
    )


def test_an_administrator_declines_through_the_page_with_a_reason(
    client, approval_network, administrator
):
    membership = _request_to_join(approval_network)
    mail.outbox.clear()
    client.force_login(administrator)

    _decide(client, approval_network, "decline", [membership], reason="Oxfordshire heads only.")

    membership.refresh_from_db()
    assert membership.status == Membership.Status.DECLINED
    assert "Oxfordshire heads only." in mail.outbox[0].body


def test_an_administrator_cannot_decide_another_networks_request_by_its_id(
    client, approval_network, administrator, other_network
):
    other_network.join_policy = Network.JoinPolicy.APPROVAL
    other_network.save()
    theirs = _request_to_join(other_network)
    client.force_login(administrator)

    response = _decide(client, approval_network, "approve", [theirs])

    theirs.refresh_from_db()
    assert theirs.status == Membership.Status.PENDING
    assert "Choose at least one request" in response.content.decode()


def test_a_request_id_that_is_not_a_number_is_refused_politely(
    client, approval_network, administrator
):
    client.force_login(administrator)

    response = client.post(
        reverse("networks:requests", args=[approval_network.slug]),
        {"decision": "approve", "membership": ["abc"]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Choose at least one request" in response.content.decode()


def test_an_unknown_decision_decides_nothing(client, approval_network, administrator):
    membership = _request_to_join(approval_network)
    client.force_login(administrator)

    _decide(client, approval_network, "maybe", [membership])

    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING


def test_an_administrator_invites_by_email_address(client, approval_network, administrator):
    client.force_login(administrator)

    response = client.post(
        reverse("networks:invite", args=[approval_network.slug]),
        {"email": "new.head@school.example"},
        follow=True,
    )

    assert approval_network.invitations.get().email == "new.head@school.example"
    assert mail.outbox[-1].to == ["new.head@school.example"]
    assert "An invitation has been sent" in response.content.decode()


def test_invitation_subject_and_body_are_plain_text_not_html_escaped(client, administrator):
    network = factories.make_network(name="Headteachers' Roundtable", slug="roundtable")
    factories.make_membership(
        person=administrator, network=network, role=Membership.Role.ADMINISTRATOR
    )
    client.force_login(administrator)

    client.post(reverse("networks:invite", args=[network.slug]), {"email": "new@school.example"})

    message = mail.outbox[-1]
    assert message.subject == "[Headnet] You are invited to join Headteachers' Roundtable"
    assert "join Headteachers' Roundtable on Headnet" in message.body
    assert "&#x27;" not in message.subject + message.body


def test_approval_email_subject_keeps_quotes_and_ampersands(approval_network):
    approval_network.name = "Headteachers' Roundtable & Friends"
    approval_network.save()
    membership = _request_to_join(approval_network)
    mail.outbox.clear()

    services.approve_membership(membership=membership, by=factories.make_user())

    assert mail.outbox[-1].subject == (
        "[Headnet] Welcome to Headteachers' Roundtable & Friends: your request was approved"
    )


def _invite(client, network, email):
    return client.post(
        reverse("networks:invite", args=[network.slug]), {"email": email}, follow=True
    )


def test_one_address_is_invited_only_a_few_times_a_day(client, network, administrator):
    client.force_login(administrator)
    for _ in range(INVITE_LIMIT_PER_ADDRESS):
        _invite(client, network, "new.head@school.example")
    mail.outbox.clear()

    response = _invite(client, network, "New.Head@school.example")

    assert mail.outbox == []
    assert "has been invited several times" in response.content.decode()


def test_one_network_sends_only_so_many_invitations_an_hour(client, network, administrator):
    client.force_login(administrator)
    for number in range(INVITE_LIMIT_PER_NETWORK):
        _invite(client, network, f"head{number}@school.example")
    mail.outbox.clear()

    response = _invite(client, network, "one.more@school.example")

    assert mail.outbox == []
    assert not network.invitations.filter(email="one.more@school.example").exists()
    assert "sent many invitations in the last hour" in response.content.decode()
