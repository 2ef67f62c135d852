"""Signing in with a school's own account (Microsoft, Google, DfE Sign-in) through
allauth's social accounts: the adapter, and what a sign-in passes on as evidence.

Which address a provider proves is decided in members/signin/proof.py; allauth signs in
to an existing account by address only with a proved one (the providers mark only those
verified), so a Microsoft tenant's administrator who sets someone else's address on an
account of theirs reaches nobody's account (docs/rules.md, "Signing in with a school
account").
"""

from typing import Any

from allauth.account.internal.flows.reauthentication import STATE_SESSION_KEY
from allauth.account.signals import user_logged_in, user_signed_up
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, _build_apps_from_settings
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from allauth.socialaccount.providers.base.constants import AuthProcess
from allauth.socialaccount.signals import social_account_added
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from . import school_accounts
from .models import User
from .reauthentication import needs_code
from .signin.proof import proof_for

# allauth's messages in Headnet's words.
SOCIAL_ERROR_MESSAGES = DefaultSocialAccountAdapter.error_messages | {
    "email_taken": (
        "An account with this email address exists already. Sign in to it first, then "
        "connect your %s account from your profile."
    ),
    "no_password": (
        "This is the only way you sign in: set a password first, or connect another account."
    ),
    "no_verified_email": "Confirm your email address first: it is how you would sign in.",
    "disconnect_last": "You cannot disconnect the only way you sign in.",
    "connected_other": "That account is connected to another Headnet account already.",
}


def school_accounts_offered(request: HttpRequest) -> bool:
    """Whether any provider is configured, for the pages that link to them (no query)."""
    return bool(SocialAccountAdapter(request).list_providers(request))


def take_evidence(person: User, account: SocialAccount) -> None:
    """Pass on what the provider proved about the person (members.school_accounts)."""
    proof = proof_for(account.provider, account.extra_data)
    school_accounts.take_evidence(
        person,
        provider=account.provider,
        email=proof.email,
        email_proved=proof.email_proved,
        hosted_domain=proof.hosted_domain,
        dfe_urn=proof.dfe_urn,
    )


def _after_social_login(sociallogin: SocialLogin | None) -> None:
    """Once per sign-in, sign-up or connection, when it has a saved account."""
    if sociallogin is None or getattr(sociallogin, "_evidence_taken", False):
        return
    account, person = sociallogin.account, sociallogin.user
    if account.pk is None or person is None or person.pk is None:
        return
    sociallogin._evidence_taken = True  # type: ignore[attr-defined]
    take_evidence(person, account)


def on_signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """allauth's user_logged_in and user_signed_up: a social sign-in or sign-up succeeded."""
    _after_social_login(kwargs.get("sociallogin"))


def on_connected(
    sender: Any, request: HttpRequest, sociallogin: SocialLogin, **kwargs: Any
) -> None:
    """allauth's social_account_added: a signed-in person connected an account."""
    _after_social_login(sociallogin)


def connect_receivers() -> None:
    """Called from MembersConfig.ready(): allauth's signals are the only way it tells."""
    user_logged_in.connect(on_signed_in, dispatch_uid="members.social.signed_in")
    user_signed_up.connect(on_signed_in, dispatch_uid="members.social.signed_up")
    social_account_added.connect(on_connected, dispatch_uid="members.social.connected")


# allauth's own way back into a connection after the person proved it is them.
RESUME_CONNECT = "allauth.socialaccount.internal.flows.connect.resume_connect"

# What a provider's stand-in app needs once its settings are gone (see get_app).
STAND_INS: dict[str, dict[str, Any]] = {
    "dfe": {"provider": "openid_connect", "provider_id": "dfe", "name": "DfE Sign-in"},
}


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's social accounts in Headnet's words."""

    error_messages = SOCIAL_ERROR_MESSAGES

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Connecting an account to one without a password asks for an emailed code first.

        allauth asks for the password again before connecting, but an account without
        one it lets through, so a session someone else signed in could connect their
        own Microsoft account and keep a way in. Such an account proves it is still its
        owner by a code (members.reauthentication), and the connection then goes on."""
        if sociallogin.state.get("process") == AuthProcess.CONNECT and needs_code(request):
            request.session[STATE_SESSION_KEY] = {
                "state": sociallogin.serialize(),
                "callback": RESUME_CONNECT,
            }
            url = reverse("account_reauthenticate_by_code")
            raise ImmediateHttpResponse(HttpResponseRedirect(url))

    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        """Only the apps config/settings.py builds from the environment, never any from the
        database: no provider is offered that the operator did not set, and listing them
        costs no query on every sign-in page."""
        found = _build_apps_from_settings(provider=provider, client_id=client_id)
        return [app for apps in found.values() for app in apps]

    def get_app(
        self, request: HttpRequest | None, provider: str, client_id: str | None = None
    ) -> SocialApp:
        """The configured app; for a provider configured no longer, a stand-in without a
        client id, so that the accounts connected through it still show on the person's
        page and can be disconnected. Its sign-in stays closed: the views ask list_apps
        (members.signin.views.configured_only)."""
        try:
            return super().get_app(request, provider, client_id=client_id)  # type: ignore[no-any-return]
        except SocialApp.DoesNotExist:
            if client_id or provider not in {"microsoft", "google", *STAND_INS}:
                raise
            fields = STAND_INS.get(provider, {"provider": provider})
            return SocialApp(**fields, settings={"server_url": ""})
