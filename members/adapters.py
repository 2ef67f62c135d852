import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from core.email import SITE_NAME, queue_message
from core.ratelimit import client_ip

SIGNED_IN_AT = "headnet_signed_in_at"


@dataclass(frozen=True)
class SiteIdentity:
    """What allauth's emails call the site: Headnet, never the host the request came to."""

    name: str
    domain: str


def site_identity() -> SiteIdentity:
    return SiteIdentity(name=SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


# The links allauth builds for its emails from the request (confirm, reset, sign up).
EMAILED_LINKS = ("activate_url", "password_reset_url", "signup_url", "login_url")


def on_site(url: str) -> str:
    """The same address on SITE_URL: a link in an email never follows the Host header a
    request happened to name."""
    site, bits = urlsplit(settings.SITE_URL), urlsplit(url)
    return urlunsplit((site.scheme, site.netloc, bits.path, bits.query, bits.fragment))


# allauth's messages in Headnet's words (British English, sentence case, "sign in").
ERROR_MESSAGES = DefaultAccountAdapter.error_messages | {
    "account_inactive": "This account is closed.",
    "cannot_remove_primary_email": "You cannot remove your main email address.",
    "duplicate_email": "This email address is on your account already.",
    "email_password_mismatch": "The email address or the password is not right.",
    "email_taken": "An account with this email address exists already.",
    "enter_current_password": "Enter your current password.",
    "incorrect_code": "That code is not right.",
    "incorrect_password": "That password is not right.",
    "invalid_or_expired_key": "This link has expired or is not valid.",
    "invalid_login": "The email address or the password is not right.",
    "invalid_password_reset": "The link to reset your password is not valid.",
    "too_many_login_attempts": "Too many failed sign-in attempts. Try again later.",
    "unknown_email": "No account has this email address.",
    "unverified_primary_email": "Your main email address must be confirmed first.",
    "select_only_one": "Choose only one.",
    "rate_limited": "Too many attempts in a short time. Please wait a little and try again.",
}
LOGGED_IN_MESSAGE = "account/messages/logged_in.txt"
CONFIRMED_MESSAGE = "account/messages/email_confirmed.txt"


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with its emails sent through the task queue, in Headnet's words."""

    error_messages = ERROR_MESSAGES

    def add_message(self, request, level, message_template=None, message_context=None,
                    extra_tags="", message=None):  # fmt: skip
        """One message for one thing: confirming a new account's address signs it in,
        and "your address is confirmed" says enough without "you are signed in" under it."""
        if message_template == LOGGED_IN_MESSAGE and getattr(request, "_address_confirmed", False):
            return
        if message_template == CONFIRMED_MESSAGE:
            request._address_confirmed = True
        super().add_message(
            request, level, message_template, message_context, extra_tags, message=message
        )

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        context = context | {
            name: on_site(context[name]) for name in EMAILED_LINKS if context.get(name)
        }
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": site_identity(),
                "site_url": settings.SITE_URL.rstrip("/"),
            }
            | context,
        )
        queue_message(message)

    def get_client_ip(self, request):
        """The address allauth's rate limits key on: the same as ours."""
        return client_ip(request) or super().get_client_ip(request)

    def login(self, request, user):
        super().login(request, user)
        # Downloading data or closing the account accepts a fresh sign-in in
        # place of typing the password again (members.views.recent_sign_in).
        request.session[SIGNED_IN_AT] = time.time()

    def get_reauthentication_methods(self, user):
        """The password again; for an account without one, a code sent to its address."""
        if user.is_authenticated and not user.has_usable_password():
            url = reverse("account_reauthenticate_by_code")
            return [{"id": "code", "description": "Get a code by email", "url": url}]
        return super().get_reauthentication_methods(user)

    def confirm_email(self, request, email_address):
        """A new address replaces the one in use only when confirmed by the account itself.

        The link proves the new mailbox is the confirmer's, not that the account is: a
        session someone else signed in could add their own address and confirm it from
        their own browser. So a change (the account has a confirmed address already) is
        confirmed only in a browser signed in to the account; a new account's first
        address is confirmed by its link alone, as before.
        """
        is_change = (
            EmailAddress.objects.filter(user_id=email_address.user_id, verified=True)
            .exclude(pk=email_address.pk)
            .exists()
        )
        if is_change and request.user.pk != email_address.user_id:
            messages.info(request, "Sign in to your account to confirm the change of its address.")
            login = reverse("account_login")
            raise ImmediateHttpResponse(
                HttpResponseRedirect(f"{login}?{urlencode({'next': request.path})}")
            )
        return super().confirm_email(request, email_address)

    def get_signup_redirect_url(self, request):
        """Where confirming a new account's address lands: the profile, to name a school."""
        return reverse("portal:profile")

    def get_login_redirect_url(self, request):
        """A person without a name or a post goes to their profile to complete it first."""
        user = request.user
        if not user.has_complete_profile:
            return reverse("portal:profile")
        return reverse("me")
