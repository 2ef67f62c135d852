"""The account pages speak as the rest of Headnet does (issue 21, item 10): British English,
sentence case, one name for each action ("Create an account", "Sign in", "email address",
"confirm"), a confirmation page that names the address plainly, a real way to ask for help,
and one message after confirming a new account.

Every account page a person can reach is read as they would read it: its title, headings,
labels, buttons and text.
"""

import re
from html.parser import HTMLParser

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

# Words that keep their capital inside a sentence.
PROPER = {"Headnet", "Headnet's", "I"}
# allauth's American or machine words, and the names the site does not use for its actions.
NOT_OURS = [
    "finalize", "signup", "sign up", "sign-up", "e-mail", "username", "log in", "logged in",
    "login", "verif", "primary", "reauthenticate", "user ", "remember me", "forgot your",
    "bad token", "request code",
]  # fmt: skip
SHOWN = {"title", "h1", "h2", "h3", "label", "button", "summary", "legend"}


class _Reader(HTMLParser):
    """The page's main text, and the short texts a person scans (title, headings, labels,
    buttons and links styled as buttons), each on its own."""

    def __init__(self):
        super().__init__()
        self.texts, self.main, self._open, self._in_main = [], [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self._in_main = True
        if tag in SHOWN or (tag == "a" and "btn" in (attrs.get("class") or "")):
            self._open.append([tag, ""])
        if tag in ("script", "style"):
            self._open.append([tag, None])

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_main = False
        if self._open and self._open[-1][0] == tag:
            _, text = self._open.pop()
            if text is not None and text.strip():
                self.texts.append(" ".join(text.split()))

    def handle_data(self, data):
        if self._open and self._open[-1][1] is None:
            return
        for entry in self._open:
            if entry[1] is not None:
                entry[1] += data
        if self._in_main or (self._open and self._open[-1][0] == "title"):
            self.main.append(data)


def _read(response) -> tuple[list[str], str]:
    assert response.status_code == 200, response.status_code
    reader = _Reader()
    reader.feed(response.content.decode())
    return reader.texts, " ".join(" ".join(reader.main).split())


def _not_sentence_case(text: str) -> list[str]:
    """Words capitalised inside a sentence: "Sign Up", "Remember Me", "Email Address"."""
    wrong = []
    text = re.sub(r"\S+@\S+", "", text).replace("* ", " ").rstrip("*")
    for sentence in re.split(r"(?<=[.?!:–])\s+|\s+–\s+", text):
        words = re.findall(r"[A-Za-z][\w'’-]*", sentence)
        wrong += [word for word in words[1:] if word[0].isupper() and word not in PROPER]
    return wrong


def _pages(client):
    """Every account page a person can reach, by name, as they reach it."""
    pages = {}
    for name in [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
        "account_request_login_code",
        "account_inactive",
    ]:
        pages[name] = client.get(reverse(name))
    # A confirmation link, a good one and a broken one.
    client.post(
        reverse("account_signup"),
        {"email": "jo.newhead@example.net", "password1": PASSWORD, "password2": PASSWORD},
    )
    link = re.search(r"(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)[1]
    pages["account_confirm_email"] = client.get(link)
    pages["account_confirm_email (expired)"] = client.get("/accounts/confirm-email/not-a-key/")
    # A password reset link: a good one (it leads to the new password form) and a used one.
    person = make_user(email="ann@school.example")
    key = default_token_generator.make_token(person)
    url = reverse("account_reset_password_from_key", args=[user_pk_to_url_str(person), key])
    pages["account_reset_password_from_key"] = client.get(url, follow=True)
    pages["account_reset_password_from_key (used)"] = client.get(
        reverse("account_reset_password_from_key", args=[user_pk_to_url_str(person), "1-bad"])
    )
    # Signing in with a code: the page that asks for it.
    client.post(reverse("account_request_login_code"), {"email": "ann@school.example"})
    pages["account_confirm_login_code"] = client.get(reverse("account_confirm_login_code"))
    # Signed in: the pages about one's own account.
    client.force_login(person)
    for name in ["account_email", "account_change_password", "account_logout"]:
        pages[name] = client.get(reverse(name))
    pages["account_reauthenticate"] = client.get(reverse("account_reauthenticate"))
    return pages


def test_every_account_page_is_in_british_english_and_sentence_case(client):
    wrong = {}
    for name, response in _pages(client).items():
        texts, main = _read(response)
        capitals = [word for text in texts for word in _not_sentence_case(text)]
        foreign = [word for word in NOT_OURS if word in main.lower()]
        if capitals or foreign:
            wrong[name] = {"capitalised": capitals, "not our words": foreign}
    assert wrong == {}


def test_one_name_for_each_action(client):
    pages = _pages(client)

    signup, _ = _read(pages["account_signup"])
    login, _ = _read(pages["account_login"])
    # The title, the heading and the button, as the site's own links name it.
    assert sum(text.startswith("Create an account") for text in signup) == 3
    assert sum(text.startswith("Sign in") for text in login) >= 3
    assert "Email address*" in login and "Keep me signed in on this device" in login


def test_the_confirmation_page_names_the_address_as_the_person_s_own(client):
    client.post(
        reverse("account_signup"),
        {"email": "jo.newhead@example.net", "password1": PASSWORD, "password2": PASSWORD},
    )
    link = re.search(r"(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)[1]

    _, main = _read(client.get(link))

    assert "Confirm that jo.newhead@example.net is your email address" in main
    assert "for user" not in main


@pytest.mark.parametrize(
    "name",
    ["account_email_verification_sent", "account_reset_password", "account_reset_password_done"],
)
def test_where_an_email_may_not_come_the_page_links_to_a_real_contact_route(client, name):
    content = client.get(reverse(name)).content.decode()

    assert f'<a href="{reverse("portal:contact")}">' in content
    assert "Please contact us" not in content


def test_confirming_a_new_account_shows_one_message(client):
    client.post(
        reverse("account_signup"),
        {"email": "jo.newhead@example.net", "password1": PASSWORD, "password2": PASSWORD},
    )
    list(get_messages(client.get(reverse("account_email_verification_sent")).wsgi_request))
    link = re.search(r"(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)[1]

    response = client.post(link, follow=True)

    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["Your email address jo.newhead@example.net is confirmed."]
    assert EmailAddress.objects.get(email="jo.newhead@example.net").verified
    assert response.wsgi_request.user.is_authenticated  # signed in, without saying it twice


def test_signing_in_says_so_once_in_our_words(client):
    make_user(email="ann@school.example")

    response = client.post(
        reverse("account_login"),
        {"login": "ann@school.example", "password": PASSWORD},
        follow=True,
    )

    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["You are signed in as ann@school.example."]


def test_a_wrong_password_is_explained_in_our_words(client):
    make_user(email="ann@school.example")

    response = client.post(
        reverse("account_login"), {"login": "ann@school.example", "password": "not-it"}
    )

    assert "The email address or the password is not right." in response.content.decode()
