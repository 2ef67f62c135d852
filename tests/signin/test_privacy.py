"""A person's connected accounts in their data, and gone with their account."""

import json

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.urls import reverse

from members.privacy import forget_person, personal_data
from tests import factories
from tests.signin.fakes import microsoft_person, sign_in

pytestmark = pytest.mark.django_db


def test_my_data_lists_the_accounts_i_sign_in_with(client, providers):
    sign_in(client, providers, microsoft_person("head@school.example"))
    person = SocialAccount.objects.get().user

    data = personal_data(person)

    [account] = data["connected_accounts"]
    assert (account["provider"], account["uid"], account["email"]) == (
        "microsoft", "oid-1", "head@school.example",
    )  # fmt: skip
    assert account["connected_at"]


def test_my_data_lists_nobody_else_s_accounts(client):
    person, other = factories.make_user(email="a@school.example"), factories.make_user()
    SocialAccount.objects.create(user=other, provider="google", uid="g-9")

    assert personal_data(person)["connected_accounts"] == []


def test_the_download_right_after_signing_in_with_microsoft_has_the_connected_accounts(
    client, providers
):
    sign_in(client, providers, microsoft_person("head@school.example"))

    response = client.get(reverse("portal:data_download"))

    assert response.status_code == 200  # a fresh sign-in with Microsoft is fresh enough
    assert json.loads(response.content)["connected_accounts"][0]["uid"] == "oid-1"


def test_closing_an_account_deletes_its_connected_accounts_and_tokens():
    person = factories.make_user(email="a@school.example")
    account = SocialAccount.objects.create(user=person, provider="google", uid="g-1")
    app = SocialApp.objects.create(provider="google", name="Google", client_id="x")
    SocialToken.objects.create(app=app, account=account, token="t")
    other = SocialAccount.objects.create(user=factories.make_user(), provider="google", uid="g-2")

    forget_person(person)

    assert list(SocialAccount.objects.all()) == [other]
    assert not SocialToken.objects.exists()
