"""allauth's OpenID Connect provider (for DfE Sign-in), with the nonce and the proof of
the address of members.signin."""

from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider as AllauthOpenIDConnectProvider,
)

from ..email_addresses import ProvedEmailMixin
from ..idtoken import NonceProviderMixin
from .views import OpenIDConnectAdapter


class OpenIDConnectProvider(NonceProviderMixin, ProvedEmailMixin, AllauthOpenIDConnectProvider):
    oauth2_adapter_class = OpenIDConnectAdapter
    supports_token_authentication = False  # only the whole flow, with our nonce


provider_classes = [OpenIDConnectProvider]
