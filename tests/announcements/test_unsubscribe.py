"""The unsubscribe link (announcements.email_views): one click, no cookie, no CSRF token,
trusting only its signed token, which stops one person's announcements from one network."""

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from announcements.tokens import read_unsubscribe_token, unsubscribe_token
from core.models import AuditEvent
from networks.models import EmailPreference
from networks.services.preferences import preference_of
from tests import factories

pytestmark = pytest.mark.django_db

NONE = EmailPreference.Choice.NONE
EVERY = EmailPreference.Choice.EVERY


@pytest.fixture
def bare():
    """A mail provider's client: no cookie, no session, and CSRF checked as in production."""
    return Client(enforce_csrf_checks=True)


def _url(token):
    return reverse("email:unsubscribe", args=[token])


def test_the_link_shows_what_it_does_and_one_button(bare, member, network):
    response = bare.get(_url(unsubscribe_token(member, network)))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Stop announcements from Oxfordshire Primary Heads</h1>" in page
    assert page.count('<button type="submit"') == 1
    assert '<form method="post">' in page
    assert member.email not in page  # whoever holds the link learns no address
    assert preference_of(member, network) == EVERY  # a GET changes nothing


def test_a_one_click_post_without_cookie_or_csrf_token_unsubscribes_at_once(
    bare, member, network, send
):
    response = bare.post(
        _url(unsubscribe_token(member, network)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200  # answered on the spot, no redirect to follow
    assert "Announcements from Oxfordshire Primary Heads stopped" in response.content.decode()
    assert preference_of(member, network) == NONE
    event = AuditEvent.objects.get(action="email_preference.changed")
    assert event.summary == "Email preference changed (one-click)"
    assert not response.cookies

    # The next announcement does not reach them.
    other = factories.make_user(email="still.here@school.example")
    factories.make_membership(person=other, network=network)
    send(factories.make_announcement(network=network))
    assert [message.to for message in mail.outbox] == [["still.here@school.example"]]


def test_the_page_s_button_unsubscribes_too(bare, member, network):
    response = bare.post(_url(unsubscribe_token(member, network)))

    assert response.status_code == 200
    assert preference_of(member, network) == NONE
    assert AuditEvent.objects.get().summary == "Email preference changed (unsubscribe link)"


def test_the_link_works_again_and_for_a_signed_in_visitor_too(client, member, coordinator, network):
    client.force_login(coordinator)  # someone else's link, opened while signed in
    url = _url(unsubscribe_token(member, network))

    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 200

    assert preference_of(member, network) == NONE
    assert preference_of(coordinator, network) == EVERY


def test_a_link_stops_only_its_own_person_and_network(bare, member, coordinator, network):
    other_network = factories.make_network(name="Somewhere Else Heads")
    factories.make_membership(person=member, network=other_network)

    bare.post(_url(unsubscribe_token(member, network)))

    assert preference_of(member, network) == NONE
    assert preference_of(member, other_network) == EVERY
    assert preference_of(coordinator, network) == EVERY


def _tampered(token, ids):
    """The token with other ids in it and its signature kept."""
    _payload, signature = token.rsplit(":", 1)
    payload = signing.b64_encode(signing.JSONSerializer().dumps(ids)).decode()
    return f"{payload}:{signature}"


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda token, person, other, network: _tampered(token, [other.pk, network.pk]),
                     id="another person"),
        pytest.param(lambda token, person, other, network: _tampered(token, [person.pk, 999]),
                     id="another network"),
        pytest.param(lambda token, person, other, network: token[:-1] + ("A" if token[-1] != "A"
                     else "B"), id="altered signature"),
        pytest.param(lambda token, person, other, network: token.split(":")[0], id="unsigned"),
        pytest.param(lambda token, person, other, network: signing.Signer(salt="other").sign_object(
                     [person.pk, network.pk]), id="another salt"),
        pytest.param(lambda token, person, other, network: "a-guess", id="a guess"),
    ],
)  # fmt: skip
def test_a_forged_or_altered_token_is_refused_and_changes_nothing(
    bare, member, coordinator, network, forge
):
    token = forge(unsubscribe_token(member, network), member, coordinator, network)

    for method in (bare.get, bare.post):
        response = method(_url(token))
        assert response.status_code == 404
        assert "This unsubscribe link does not work" in response.content.decode()

    assert read_unsubscribe_token(token) is None
    assert not EmailPreference.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_token_for_someone_whose_account_is_gone_is_refused(bare, member, network):
    token = unsubscribe_token(member, network)
    member.delete()

    assert bare.post(_url(token)).status_code == 404


def test_only_get_and_post(bare, member, network):
    assert bare.put(_url(unsubscribe_token(member, network))).status_code == 405
