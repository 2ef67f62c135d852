import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.urls import reverse

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


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with its emails sent through the task queue."""

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
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

    def get_signup_redirect_url(self, request):
        """Where confirming a new account's address lands: the profile, to name a school."""
        return reverse("portal:profile")

    def get_login_redirect_url(self, request):
        """A person without a name or a post goes to their profile to complete it first."""
        user = request.user
        if not user.has_complete_profile:
            return reverse("portal:profile")
        return reverse("me")
