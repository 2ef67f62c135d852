"""No takeover by email: a provider's address reaches an existing account only when the
provider proves it (docs/rules.md, "Signing in with a school account")."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from members.signin.proof import google_proof, microsoft_proof
from tests import factories
from tests.signin.fakes import google_person, microsoft_person, sign_in

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def victim():
    """A head with an account and a confirmed address at their school."""
    person = factories.make_user(email="head@school.example")
    EmailAddress.objects.update_or_create(
        user=person, email="head@school.example", defaults={"verified": True, "primary": True}
    )
    return person


def _signed_in_id(client):
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize(
    "principal_name", ["mallory@attacker.example", "head_school.example#EXT#@attacker.example"]
)
def test_a_microsoft_address_its_tenant_merely_set_reaches_nobody_s_account(
    client, providers, victim, principal_name
):
    """nOAuth: an administrator of another tenant sets the head's address as the `mail`
    (and `email`) of an account of theirs, whose principal name is at their own domain
    or a guest's."""
    attacker = microsoft_person("head@school.example", upn=principal_name, oid="attacker")

    response = sign_in(client, providers, attacker)

    assert _signed_in_id(client) is None or int(_signed_in_id(client)) != victim.pk
    assert not SocialAccount.objects.filter(user=victim).exists()
    victim.refresh_from_db()
    assert victim.has_usable_password()
    # The head's account is untouched; the attacker is told what anyone would be told.
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="head@school.example").count() == 1


def test_a_microsoft_address_its_tenant_merely_set_is_not_proved():
    data = {
        "id": "x",
        "mail": "head@school.example",
        "userPrincipalName": "mallory@attacker.example",
        "id_token": {"email": "head@school.example"},
    }
    proof = microsoft_proof(data)
    assert (proof.email, proof.email_proved) == ("mallory@attacker.example", True)
    # Without a principal name that is an address, `mail` alone proves nothing.
    data["userPrincipalName"] = "head_school.example#EXT#@attacker.onmicrosoft.example"
    assert microsoft_proof(data).email_proved is False
    assert microsoft_proof(data).email == "head@school.example"


def test_microsoft_s_verified_domain_claim_proves_its_address():
    data = {
        "id": "x",
        "mail": "",
        "userPrincipalName": "guest_x#EXT#@tenant.example",
        "id_token": {"email": "head@school.example", "xms_edov": True},
    }
    assert microsoft_proof(data).email_proved is True
    data["id_token"]["xms_edov"] = False
    assert microsoft_proof(data).email_proved is False


def test_a_microsoft_account_whose_principal_name_is_the_address_signs_in_to_its_account(
    client, providers, victim
):
    response = sign_in(client, providers, microsoft_person("head@school.example"))

    assert response.status_code == 302
    assert int(_signed_in_id(client)) == victim.pk
    assert SocialAccount.objects.get(user=victim).provider == "microsoft"
    assert User.objects.count() == 1


def test_a_microsoft_address_proved_by_xms_edov_signs_in_to_its_account(client, providers, victim):
    person = microsoft_person(
        "head@school.example", upn="guest_x#EXT#@tenant.example", xms_edov=True
    )

    sign_in(client, providers, person)

    assert int(_signed_in_id(client)) == victim.pk


def test_a_google_address_google_has_not_verified_reaches_nobody_s_account(
    client, providers, victim
):
    sign_in(client, providers, google_person("head@school.example", verified=False))

    assert _signed_in_id(client) is None or int(_signed_in_id(client)) != victim.pk
    assert not SocialAccount.objects.filter(user=victim).exists()
    assert User.objects.filter(email__iexact="head@school.example").count() == 1


def test_a_workspace_address_google_verified_signs_in_to_its_account(client, providers, victim):
    person = google_person("head@school.example", verified=True, hd="school.example")

    sign_in(client, providers, person)

    assert int(_signed_in_id(client)) == victim.pk
    assert SocialAccount.objects.get(user=victim).provider == "google"


def test_a_personal_google_account_made_with_a_school_address_reaches_nobody_s_account(
    client, providers, victim
):
    # Google verified the mailbox once, when the account was made; without the
    # Workspace's hd claim nothing says the person still holds it.
    sign_in(client, providers, google_person("head@school.example", verified=True))

    assert _signed_in_id(client) is None or int(_signed_in_id(client)) != victim.pk
    assert not SocialAccount.objects.filter(user=victim).exists()


def test_a_workspace_domain_is_proved_by_the_hd_claim_never_by_the_address():
    personal = google_proof({"email": "head@school.example", "email_verified": True})
    workspace = google_proof(
        {"email": "head@school.example", "email_verified": True, "hd": "School.example"}
    )
    other_workspace = google_proof(
        {"email": "head@school.example", "email_verified": True, "hd": "trust.example"}
    )
    gmail = google_proof({"email": "a.head@gmail.com", "email_verified": True})

    assert (personal.email_proved, personal.hosted_domain) == (False, "")
    assert (workspace.email_proved, workspace.hosted_domain) == (True, "school.example")
    assert other_workspace.email_proved is False
    assert gmail.email_proved is True
    assert (
        google_proof({"email": "head@school.example", "email_verified": "false"}).email_proved
        is False
    )


def test_a_new_microsoft_account_with_an_unproved_address_must_confirm_it(
    client, providers, mailoutbox
):
    person = microsoft_person("head@school.example", upn="x#EXT#@tenant.example")

    response = sign_in(client, providers, person)

    user = User.objects.get(email="head@school.example")
    assert not EmailAddress.objects.get(user=user).verified
    assert _signed_in_id(client) is None  # not until the address is confirmed
    assert response["Location"] == "/accounts/confirm-email/"
