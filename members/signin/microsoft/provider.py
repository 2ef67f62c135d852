"""allauth's Microsoft provider, with the nonce and the proof of the address of members.signin."""

from allauth.socialaccount.providers.microsoft.provider import MicrosoftGraphProvider

from ..email_addresses import ProvedEmailMixin
from ..idtoken import NonceProviderMixin
from .views import MicrosoftAdapter


class MicrosoftProvider(NonceProviderMixin, ProvedEmailMixin, MicrosoftGraphProvider):
    oauth2_adapter_class = MicrosoftAdapter


provider_classes = [MicrosoftProvider]
