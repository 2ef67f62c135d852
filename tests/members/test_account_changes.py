"""Issue 19, finding 8: changing the sign-in address or the password.

The attack: with a hijacked session (a stolen cookie, a browser left signed in) someone adds
their own address, confirms it from their own browser, and the account's address becomes
theirs: a password reset then gives them the account for good. Now adding an address needs
the password again (or, for an account without one, a code sent to its address), the change
is confirmed only by someone signed in to the account, and the old address hears of every
step with what to do if it was not its owner.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

OWNER = "ruth.marlowe@school.example"
ATTACKER = "taker@elsewhere.example"
NEW = "ruth.marlowe@newschool.example"
EMAIL_PAGE = reverse("account_email")
REAUTHENTICATE = reverse("account_reauthenticate")
REAUTHENTICATE_BY_CODE = reverse("account_reauthenticate_by_code")
CHANGE_PASSWORD = reverse("account_change_password")
SET_PASSWORD = reverse("account_set_password")
NEW_PASSWORD = "a-brand-new-passphrase-42"
SITE = "https://headnet.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _add(client, email):
    return client.post(EMAIL_PAGE, {"action_add": "", "email": email})


def _sent_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def _confirm_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body)[1]


def _confirm_path_for(address: EmailAddress) -> str:
    return reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])


def _goes_to(response, path: str, then: str) -> bool:
    url = urlsplit(response["Location"])
    return (
        response.status_code == 302 and url.path == path and parse_qs(url.query) == {"next": [then]}
    )


def _code_in(message) -> str:
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE)[1]


def _in_our_layout(message):
    assert message.subject.startswith("[Headnet] ")
    assert message.body.startswith("Hello from Headnet,")
    assert message.body.rstrip().endswith(f"Headnet: {SITE}")


@pytest.fixture
def owner():
    return make_user(email=OWNER, first_name="Ruth", last_name="Marlowe")


# The attacker's side: a session someone else signed in.


def test_hijacked_session_cannot_add_an_address_without_the_password(client, owner):
    client.force_login(owner)

    response = _add(client, ATTACKER)

    assert _goes_to(response, REAUTHENTICATE, then=EMAIL_PAGE)
    assert not EmailAddress.objects.filter(email=ATTACKER).exists()
    assert mail.outbox == []


def test_hijacked_session_with_a_wrong_password_still_cannot_add_an_address(client, owner):
    client.force_login(owner)
    _add(client, ATTACKER)

    page = client.post(REAUTHENTICATE, {"password": "not-the-password"})

    assert page.status_code == 200
    assert "That password is not right." in page.content.decode()
    assert not EmailAddress.objects.filter(email=ATTACKER).exists()
    assert mail.outbox == []


def test_confirming_from_a_browser_not_signed_in_to_the_account_changes_nothing(client, owner):
    # An address added to the account somehow (before this rule, or by its owner by mistake):
    # its link, opened where nobody is signed in to the account, does not make it the address.
    pending = EmailAddress.objects.create(user=owner, email=ATTACKER)
    confirm = _confirm_path_for(pending)
    attackers_browser = Client()

    response = attackers_browser.post(confirm)

    assert _goes_to(response, reverse("account_login"), then=confirm)
    owner.refresh_from_db()
    assert owner.email == OWNER
    assert EmailAddress.objects.get(email=OWNER).primary
    assert not EmailAddress.objects.get(email=ATTACKER).verified
    page = attackers_browser.get(response["Location"]).content.decode()
    assert "sign in" in page.lower() and "confirm the change" in page


def test_confirming_while_signed_in_to_another_account_changes_nothing(client, owner):
    pending = EmailAddress.objects.create(user=owner, email=ATTACKER)
    client.force_login(make_user(email=ATTACKER.replace("taker", "other")))

    client.get(_confirm_path_for(pending))
    client.post(_confirm_path_for(pending))

    owner.refresh_from_db()
    assert owner.email == OWNER
    assert not EmailAddress.objects.get(email=ATTACKER).verified


def test_hijacked_session_cannot_change_the_password_without_the_current_one(client, owner):
    client.force_login(owner)

    page = client.post(
        CHANGE_PASSWORD,
        {"oldpassword": "a-guess", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert page.status_code == 200
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert mail.outbox == []


# The owner's side.


def test_owner_changes_address_after_giving_the_password_and_the_old_address_is_told(client, owner):
    client.force_login(owner)
    asked = _add(client, NEW)
    assert _goes_to(asked, REAUTHENTICATE, then=EMAIL_PAGE)

    # The password given (the page carries `next`), the address asked for is added, not
    # yet in use.
    response = client.post(asked["Location"], {"password": PASSWORD})

    assert response.status_code == 302
    pending = EmailAddress.objects.get(email=NEW)
    assert not pending.verified and not pending.primary
    owner.refresh_from_db()
    assert owner.email == OWNER

    # The new address gets the link, worded for a change (not a new account).
    (confirmation,) = _sent_to(NEW)
    _in_our_layout(confirmation)
    assert "change the address of their Headnet account to this one" in confirmation.body
    assert "create an account" not in confirmation.body

    # The old address is told at once, with what to do if it was not its owner.
    (notice,) = _sent_to(OWNER)
    _in_our_layout(notice)
    assert "address is being changed" in notice.subject
    body = notice.body
    assert f"from {OWNER} to {NEW}" in body
    assert "Nothing changes until" in body
    assert f"{SITE}/accounts/password/reset/" in body
    assert f"{SITE}/accounts/email/" in body
    assert "IP address: 127.0.0.1" in body

    # Confirming in the browser signed in to the account makes it the address.
    mail.outbox.clear()
    client.post(_confirm_path(confirmation))

    owner.refresh_from_db()
    assert owner.email == NEW
    assert list(EmailAddress.objects.filter(user=owner).values_list("email", "primary")) == [
        (NEW, True)
    ]
    (changed,) = _sent_to(OWNER)
    _in_our_layout(changed)
    assert "address was changed" in changed.subject
    assert f"from {OWNER} to {NEW}" in changed.body


def test_owner_confirming_from_another_browser_signs_in_first(client, owner):
    client.force_login(owner)
    asked = _add(client, NEW)
    client.post(asked["Location"], {"password": PASSWORD})
    confirm = _confirm_path(_sent_to(NEW)[0])
    phone = Client()

    asked = phone.post(confirm)
    assert _goes_to(asked, reverse("account_login"), then=confirm)
    signed_in = phone.post(asked["Location"], {"login": OWNER, "password": PASSWORD})
    assert signed_in["Location"] == confirm
    assert "Confirm" in phone.get(confirm).content.decode()
    phone.post(confirm)

    owner.refresh_from_db()
    assert owner.email == NEW


def test_owner_who_gave_the_password_a_moment_ago_is_not_asked_again(client, owner):
    client.force_login(owner)
    client.post(REAUTHENTICATE, {"password": PASSWORD})

    response = _add(client, NEW)

    assert response["Location"] == EMAIL_PAGE
    assert EmailAddress.objects.filter(email=NEW, verified=False).exists()


def test_cancelling_a_pending_change_tells_the_address_in_use(client, owner):
    client.force_login(owner)
    client.post(REAUTHENTICATE, {"password": PASSWORD})
    _add(client, NEW)
    mail.outbox.clear()

    client.post(EMAIL_PAGE, {"action_remove": "", "email": NEW})

    assert not EmailAddress.objects.filter(email=NEW).exists()
    (notice,) = _sent_to(OWNER)
    _in_our_layout(notice)
    assert f"The address {NEW} was removed from your Headnet account." in notice.body


def test_owner_changes_the_password_and_the_address_is_told(client, owner):
    client.force_login(owner)

    client.post(
        CHANGE_PASSWORD,
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    (notice,) = _sent_to(OWNER)
    _in_our_layout(notice)
    assert "password was changed" in notice.subject
    assert "Your Headnet password was changed" in notice.body
    assert f"{SITE}/accounts/password/reset/" in notice.body
    assert "IP address: 127.0.0.1" in notice.body


def test_a_password_reset_tells_the_address(client, owner):
    client.post(reverse("account_reset_password"), {"email": OWNER})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    form = client.get(link[1], follow=True)
    mail.outbox.clear()

    client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    (notice,) = _sent_to(OWNER)
    _in_our_layout(notice)
    assert "password was reset" in notice.subject
    assert "Your Headnet password was reset" in notice.body


# An account without a password proves itself with a code sent to its address.


@pytest.fixture
def passwordless():
    return make_user(email=OWNER, password=None)


def _reauthenticate_by_code(client, *, then):
    page = client.get(f"{REAUTHENTICATE_BY_CODE}?next={then}")
    assert page.status_code == 200
    client.post(f"{REAUTHENTICATE_BY_CODE}?next={then}", {"action": "send"})
    (message,) = _sent_to(OWNER)
    _in_our_layout(message)
    mail.outbox.remove(message)
    return _code_in(message)


def test_account_without_password_cannot_add_an_address_without_a_code(client, passwordless):
    client.force_login(passwordless)

    response = _add(client, ATTACKER)

    assert _goes_to(response, REAUTHENTICATE_BY_CODE, then=EMAIL_PAGE)
    assert not EmailAddress.objects.filter(email=ATTACKER).exists()
    assert mail.outbox == []


def test_account_without_password_adds_an_address_after_the_emailed_code(client, passwordless):
    client.force_login(passwordless)
    _add(client, NEW)
    code = _reauthenticate_by_code(client, then=EMAIL_PAGE)

    wrong = client.post(f"{REAUTHENTICATE_BY_CODE}?next={EMAIL_PAGE}", {"code": "AAAA-AAAA"})
    assert wrong.status_code == 200
    assert not EmailAddress.objects.filter(email=NEW).exists()

    right = client.post(f"{REAUTHENTICATE_BY_CODE}?next={EMAIL_PAGE}", {"code": code})

    assert right.status_code == 302
    assert EmailAddress.objects.filter(email=NEW, verified=False).exists()
    (notice,) = _sent_to(OWNER)
    assert f"from {OWNER} to {NEW}" in notice.body


def test_a_code_is_refused_after_three_wrong_tries(client, passwordless):
    client.force_login(passwordless)
    code = _reauthenticate_by_code(client, then=EMAIL_PAGE)
    for _ in range(3):
        client.post(REAUTHENTICATE_BY_CODE, {"code": "AAAA-AAAA"})

    page = client.post(REAUTHENTICATE_BY_CODE, {"code": code})

    assert page.status_code == 200
    assert "send a new code" in page.content.decode().lower()
    assert _goes_to(_add(client, NEW), REAUTHENTICATE_BY_CODE, then=EMAIL_PAGE)


def test_account_without_password_sets_one_only_after_the_emailed_code(client, passwordless):
    client.force_login(passwordless)

    asked = client.get(SET_PASSWORD)
    assert _goes_to(asked, REAUTHENTICATE_BY_CODE, then=SET_PASSWORD)
    code = _reauthenticate_by_code(client, then=SET_PASSWORD)
    client.post(f"{REAUTHENTICATE_BY_CODE}?next={SET_PASSWORD}", {"code": code})
    client.post(SET_PASSWORD, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    passwordless.refresh_from_db()
    assert passwordless.check_password(NEW_PASSWORD)
    (notice,) = _sent_to(OWNER)
    _in_our_layout(notice)
    assert "Your Headnet account now has a password" in notice.body


def test_the_code_page_sends_a_person_with_a_password_to_the_password_page(client, owner):
    client.force_login(owner)

    response = client.get(f"{REAUTHENTICATE_BY_CODE}?next={EMAIL_PAGE}")

    assert _goes_to(response, REAUTHENTICATE, then=EMAIL_PAGE)
    client.post(REAUTHENTICATE_BY_CODE, {"action": "send"})
    assert mail.outbox == []


def test_a_hijacked_session_cannot_flood_the_owner_with_codes(client, passwordless):
    client.force_login(passwordless)
    client.post(REAUTHENTICATE_BY_CODE, {"action": "send"})

    page = client.post(REAUTHENTICATE_BY_CODE, {"action": "send"}, follow=True)

    assert len(_sent_to(OWNER)) == 1
    assert "less than a minute ago" in page.content.decode()


@pytest.mark.parametrize("page", ["portal:data_download", "portal:account_close"])
def test_an_account_without_password_proves_itself_before_downloading_or_closing(
    client, passwordless, page
):
    """A stolen session of an account without a password must not take its data away."""
    url = reverse(page)
    client.force_login(passwordless)  # not a fresh sign-in: no time stamp in the session

    refused = client.get(url)

    assert _goes_to(refused, REAUTHENTICATE_BY_CODE, then=url)
    code = _reauthenticate_by_code(client, then=url)
    client.post(f"{REAUTHENTICATE_BY_CODE}?next={url}", {"code": code})
    allowed = client.get(url)
    assert allowed.status_code == 200
