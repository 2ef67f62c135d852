"""allauth's Google provider, with the nonce and the proof of the address of members.signin."""

from allauth.socialaccount.providers.google.provider import GoogleProvider as AllauthGoogleProvider

from ..email_addresses import ProvedEmailMixin
from ..idtoken import NonceProviderMixin
from .views import GoogleAdapter


class GoogleProvider(NonceProviderMixin, ProvedEmailMixin, AllauthGoogleProvider):
    oauth2_adapter_class = GoogleAdapter
    # Google's sign-in by a token posted from its own script (One Tap) is not offered:
    # it needs JavaScript, and its token carries no nonce of ours.
    supports_token_authentication = False


provider_classes = [GoogleProvider]
