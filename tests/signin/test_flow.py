"""Signing up and in with a school's account, the whole OAuth / OpenID Connect flow with
the providers faked at the HTTP layer (tests/signin/fakes.py), and every ID token or
state that is not right refused."""

from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from tests.signin.fakes import (
    dfe_person,
    google_person,
    microsoft_person,
    sign_in,
    start,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def evidence():
    with mock.patch("members.school_accounts.take_evidence") as take_evidence:
        yield take_evidence


def _signed_in_as(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_a_head_signs_up_with_a_microsoft_work_account(client, providers, evidence):
    response = sign_in(client, providers, microsoft_person("head@school.example"))

    assert response.status_code == 302
    assert response["Location"] == "/me/profile/"
    person = _signed_in_as(client)
    assert person.email == "head@school.example"
    assert (person.first_name, person.last_name) == ("Alex", "Head")
    assert not person.has_usable_password()
    assert EmailAddress.objects.get(user=person).verified  # its principal name: proved
    account = SocialAccount.objects.get(user=person)
    assert (account.provider, account.uid) == ("microsoft", "oid-1")
    evidence.assert_called_once_with(
        person, provider="microsoft", email="head@school.example", email_proved=True,
        hosted_domain="", dfe_urn="",
    )  # fmt: skip
    # Every call to the provider was made, and the ID token's keys were fetched.
    assert providers.calls == [
        "POST https://login.microsoftonline.com/organizations/oauth2/v2.0/token",
        "GET https://login.microsoftonline.com/organizations/discovery/v2.0/keys",
        "GET https://graph.microsoft.com/v1.0/me",
    ]


def test_the_authorisation_request_carries_a_nonce_pkce_and_the_organisations_tenant(
    client, providers
):
    url = start(client, "microsoft")

    assert url.startswith("https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?")
    for part in ("nonce=", "state=", "code_challenge=", "code_challenge_method=S256",
                 "client_id=ms-client-id", "openid", "User.Read"):  # fmt: skip
        assert part in url


def test_signing_in_again_reaches_the_same_account(client, providers, evidence):
    person = microsoft_person("head@school.example")
    sign_in(client, providers, person)
    client.logout()

    response = sign_in(client, providers, person)

    assert response.status_code == 302
    assert User.objects.count() == 1
    assert _signed_in_as(client).email == "head@school.example"
    assert evidence.call_count == 2


def test_a_head_signs_up_with_google_and_its_workspace_domain_is_passed_on(
    client, providers, evidence
):
    person = google_person("head@school.example", hd="school.example")

    sign_in(client, providers, person)

    user = _signed_in_as(client)
    assert user.email == "head@school.example"
    assert SocialAccount.objects.get(user=user).provider == "google"
    evidence.assert_called_once_with(
        user, provider="google", email="head@school.example", email_proved=True,
        hosted_domain="school.example", dfe_urn="",
    )  # fmt: skip
    assert "GET https://www.googleapis.com/oauth2/v3/certs" in providers.calls


def test_a_head_signs_up_with_dfe_sign_in_and_its_organisation_s_urn_is_passed_on(
    client, providers, evidence
):
    sign_in(client, providers, dfe_person("head@school.example", urn="123456"))

    user = _signed_in_as(client)
    assert SocialAccount.objects.get(user=user).provider == "dfe"
    evidence.assert_called_once_with(
        user, provider="dfe", email="head@school.example", email_proved=True,
        hosted_domain="", dfe_urn="123456",
    )  # fmt: skip
    assert providers.calls[0] == (
        "GET https://oidc.signin.education.example/.well-known/openid-configuration"
    )


def test_dfe_sign_in_asks_for_the_organisation_scope(client, providers):
    url = start(client, "dfe")

    assert url.startswith("https://oidc.signin.education.example/auth?")
    assert "organisation" in url and "nonce=" in url


# Refused: no account, nobody signed in, the error page -----------------------

PEOPLE = {
    "microsoft": lambda: microsoft_person("head@school.example"),
    "google": lambda: google_person("head@school.example", hd="school.example"),
    "dfe": lambda: dfe_person("head@school.example", urn="123456"),
}


def _refused(client, response):
    assert response.status_code == 401
    assert "Signing in did not work" in response.content.decode()
    assert _signed_in_as(client) is None
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize("provider", PEOPLE)
def test_a_tampered_id_token_is_refused(client, providers, provider):
    providers.tamper = True
    _refused(client, sign_in(client, providers, PEOPLE[provider]()))


@pytest.mark.parametrize("provider", PEOPLE)
def test_an_id_token_signed_with_a_key_the_provider_never_published_is_refused(
    client, providers, provider
):
    providers.sign_with_other_key = True
    _refused(client, sign_in(client, providers, PEOPLE[provider]()))


@pytest.mark.parametrize("provider", PEOPLE)
def test_an_id_token_for_another_client_is_refused(client, providers, provider):
    providers.token_changes = {"aud": "someone-else-s-client-id"}
    _refused(client, sign_in(client, providers, PEOPLE[provider]()))


@pytest.mark.parametrize("provider", PEOPLE)
def test_an_expired_id_token_is_refused(client, providers, provider):
    providers.token_changes = {"exp": 1_700_000_000, "iat": 1_699_996_400}
    _refused(client, sign_in(client, providers, PEOPLE[provider]()))


@pytest.mark.parametrize("provider", PEOPLE)
def test_an_id_token_for_another_sign_in_is_refused(client, providers, provider):
    providers.token_changes = {"nonce": "the-nonce-of-another-sign-in"}
    _refused(client, sign_in(client, providers, PEOPLE[provider]()))


@pytest.mark.parametrize("provider", PEOPLE)
def test_an_id_token_from_another_issuer_is_refused(client, providers, provider):
    providers.token_changes = {"iss": "https://issuer.attacker.example"}
    _refused(client, sign_in(client, providers, PEOPLE[provider]()))


def test_a_microsoft_personal_account_is_refused(client, providers):
    person = microsoft_person("someone@outlook.example")
    person.claims["tid"] = "9188040d-6c67-4c5b-b112-36a304b66dad"
    _refused(client, sign_in(client, providers, person))


def test_an_id_token_of_another_person_than_the_graph_profile_is_refused(client, providers):
    person = microsoft_person("head@school.example")
    person.claims["oid"] = "someone-else"
    _refused(client, sign_in(client, providers, person))


@pytest.mark.parametrize("provider", PEOPLE)
def test_a_replayed_state_is_refused(client, providers, provider):
    callback = providers.authorise(start(client, provider), PEOPLE[provider]())
    assert client.get(callback).status_code == 302  # signed up and in
    client.logout()
    calls = len(providers.calls)

    response = client.get(callback)  # the same state again

    assert "Signing in did not work" in response.content.decode()
    assert _signed_in_as(client) is None
    assert len(providers.calls) == calls  # refused before any call to the provider


def test_a_callback_without_a_state_of_this_browser_is_refused(client, providers):
    url = start(client, "google")
    callback = providers.authorise(url, google_person("head@school.example"))
    other_browser = client.__class__()

    response = other_browser.get(callback)

    assert "Signing in did not work" in response.content.decode()
    assert not User.objects.exists()


def test_a_provider_s_start_is_a_404_when_it_is_not_configured(client, settings):
    from tests.signin.fakes import providers_settings

    settings.SOCIALACCOUNT_PROVIDERS = providers_settings(google=False, dfe=False)

    assert client.post("/accounts/google/login/").status_code == 404
    assert client.get("/accounts/google/login/callback/?code=x&state=y").status_code == 404
    assert client.post("/accounts/oidc/dfe/login/").status_code == 404
