"""The sign-in and sign-up pages with and without providers, the profile's link, and
connecting and disconnecting an account."""

import re
from pathlib import Path
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from tests import factories
from tests.factories import PASSWORD
from tests.signin.fakes import google_person, microsoft_person, sign_in

pytestmark = pytest.mark.django_db
HERE = Path(__file__).parent


def _main(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>") + 7]
    main = re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', main
    )
    return " ".join(main.split())


@pytest.mark.parametrize("page", ["login", "signup"])
def test_with_no_provider_configured_the_page_is_as_it_was(client, page):
    """The pages' main part, saved before the social accounts came (spaces aside)."""
    before = " ".join((HERE / f"{page}_page_without_providers.html").read_text().split())

    response = client.get(reverse(f"account_{page}"))

    assert _main(response) == before
    assert "school's account" not in response.content.decode()


@pytest.mark.parametrize(
    ("page", "verb"), [("login", "Sign in with"), ("signup", "Create an account with")]
)
def test_each_configured_provider_has_a_button_that_posts(client, providers, page, verb):
    html = client.get(reverse(f"account_{page}")).content.decode()

    for name, action in [
        ("Microsoft", "/accounts/microsoft/login/?process=login"),
        ("Google", "/accounts/google/login/?process=login"),
        ("DfE Sign-in", "/accounts/oidc/dfe/login/?process=login"),
    ]:
        assert f'<form method="post" action="{action}">' in html
        assert (
            f'<button type="submit" class="btn btn-outline-primary w-100">{verb} {name}</button>'
            in html
        )
    assert '<h2 id="school-account" class="h5">With your school\'s account</h2>' in html


def test_only_the_configured_providers_are_offered(client, settings):
    from tests.signin.fakes import providers_settings

    settings.SOCIALACCOUNT_PROVIDERS = providers_settings(google=False, dfe=False)

    html = client.get(reverse("account_login")).content.decode()

    assert "Sign in with Microsoft" in html
    assert "Google" not in html and "DfE Sign-in" not in html


def test_the_profile_links_to_the_accounts_only_when_a_provider_is_configured(
    client, head, settings
):
    client.force_login(head)
    link = reverse("socialaccount_connections")
    assert link not in client.get(reverse("portal:profile")).content.decode()

    from tests.signin.fakes import providers_settings

    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    assert (
        f'href="{link}">Accounts you sign in with</a>'
        in client.get(reverse("portal:profile")).content.decode()
    )


def _fresh(client, person):
    """Signed in, and the password given again just now (allauth asks before a change)."""
    client.force_login(person)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def test_a_signed_in_head_connects_their_school_s_microsoft_account(client, providers, head):
    _fresh(client, head)
    with mock.patch("members.school_accounts.take_evidence") as evidence:
        response = sign_in(
            client, providers, microsoft_person("someone@school.example"), process="connect"
        )

    assert response["Location"] == reverse("socialaccount_connections")
    account = SocialAccount.objects.get(user=head)
    assert account.provider == "microsoft"
    evidence.assert_called_once_with(
        head,
        provider="microsoft",
        email="someone@school.example",
        email_proved=True,
        hosted_domain="",
        dfe_urn="",
    )
    page = client.get(reverse("socialaccount_connections")).content.decode()
    assert "Microsoft: someone@school.example" in page
    assert "Connect Google" in page


def test_an_account_connected_to_someone_else_is_not_moved(client, providers, head):
    other = factories.make_user(email="other@school.example")
    SocialAccount.objects.create(user=other, provider="google", uid="g-1")
    _fresh(client, head)

    sign_in(
        client, providers, google_person("someone@school.example", sub="g-1"), process="connect"
    )

    assert SocialAccount.objects.get(uid="g-1").user == other


def test_a_head_with_a_password_disconnects_an_account(client, head):
    """Even one connected while Google was configured, which is no longer."""
    account = SocialAccount.objects.create(user=head, provider="google", uid="g-1")
    _fresh(client, head)
    page = client.get(reverse("socialaccount_connections")).content.decode()
    assert "Google: " in page and "Connect" not in page

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert response.status_code == 302
    assert not SocialAccount.objects.filter(pk=account.pk).exists()


def test_the_only_way_to_sign_in_cannot_be_disconnected(client, providers):
    sign_in(client, providers, microsoft_person("head@school.example"))
    account = SocialAccount.objects.get()
    assert not account.user.has_usable_password()  # signed in with Microsoft just now

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert response.status_code == 200
    assert "This is the only way you sign in" in response.content.decode()
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_a_second_account_can_go_while_another_remains(client, providers):
    sign_in(client, providers, microsoft_person("head@school.example"))
    person = SocialAccount.objects.get().user
    second = SocialAccount.objects.create(user=person, provider="google", uid="g-2")
    EmailAddress.objects.filter(user=person).update(verified=True)

    client.post(reverse("socialaccount_connections"), {"account": second.pk})

    assert list(SocialAccount.objects.filter(user=person).values_list("provider", flat=True)) == [
        "microsoft"
    ]


def _code_in(message) -> str:
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE)[1]


def test_an_account_without_a_password_connects_another_only_after_an_emailed_code(
    client, providers, mailoutbox
):
    sign_in(client, providers, microsoft_person("head@school.example"))
    person = SocialAccount.objects.get().user

    # Someone with this session connects their own Google account.
    response = sign_in(client, providers, google_person("mallory@gmail.example", sub="g-7"),
                       process="connect")  # fmt: skip

    assert response["Location"] == reverse("account_reauthenticate_by_code")
    assert not SocialAccount.objects.filter(provider="google").exists()
    mailoutbox.clear()
    client.post(reverse("account_reauthenticate_by_code"), {"action": "send"})
    [message] = mailoutbox
    assert message.to == ["head@school.example"]

    response = client.post(reverse("account_reauthenticate_by_code"), {"code": _code_in(message)})

    assert response.status_code == 302
    assert SocialAccount.objects.get(provider="google").user == person


def test_a_provider_that_gives_no_address_asks_for_one_then_has_it_confirmed(
    client, providers, mailoutbox
):
    person = microsoft_person("", upn="guest_x#EXT#@tenant.example")
    person.profile["mail"] = None

    response = sign_in(client, providers, person)

    assert response["Location"] == reverse("socialaccount_signup")
    page = client.get(reverse("socialaccount_signup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Create an account" in html and 'name="email"' in html
    assert 'type="password"' not in html
    response = client.post(reverse("socialaccount_signup"), {"email": "head@school.example"})
    assert response["Location"] == "/accounts/confirm-email/"
    account = SocialAccount.objects.get()
    assert account.user.email == "head@school.example"
    assert not EmailAddress.objects.get(user=account.user).verified
    assert [message.to for message in mailoutbox] == [["head@school.example"]]
