"""Microsoft's sign-in: the ID token checked, then the Graph profile of the same person."""

from typing import Any

from allauth.core import context
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.microsoft.views import (
    MicrosoftGraphOAuth2Adapter,
    _check_errors,
)
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2LoginView
from django.http import HttpRequest

from ..idtoken import verify_id_token
from ..proof import MICROSOFT_CONSUMERS_TENANT
from ..views import CallbackView, configured_only


class MicrosoftAdapter(MicrosoftGraphOAuth2Adapter):
    expected_nonce: str | None = None

    def _login_url(self) -> str:
        app = get_adapter().get_app(context.request, provider=self.provider_id)
        return str(app.settings.get("login_url", "https://login.microsoftonline.com"))

    def _issuer(self, claims: dict[str, Any]) -> str:
        """A multi-tenant app's tokens come from each organisation's own issuer, named by
        the token's tenant id (Microsoft's rule for validating them); never personal ones."""
        tenant = str(claims.get("tid") or "")
        if not tenant or tenant == MICROSOFT_CONSUMERS_TENANT:
            return ""
        return f"{self._login_url()}/{tenant}/v2.0"

    def complete_login(
        self, request: HttpRequest, app: Any, token: Any, **kwargs: Any
    ) -> SocialLogin:
        claims = verify_id_token(
            kwargs["response"].get("id_token"),
            keys_url=self._build_tenant_url("/discovery/v2.0/keys"),
            audience=app.client_id,
            nonce=self.expected_nonce,
            issuer=self._issuer,
        )
        headers = {"Authorization": f"Bearer {token.token}"}
        with get_adapter().get_requests_session() as session:
            response = session.get(
                self.profile_url, params=self.profile_url_params, headers=headers
            )
            data = _check_errors(response)
        if str(data["id"]) != str(claims.get("oid")):
            raise OAuth2Error("The ID token and the profile are of different people")
        data["id_token"] = claims
        return self.get_provider().sociallogin_from_response(request, data)  # type: ignore[no-any-return]


oauth2_login = configured_only("microsoft")(OAuth2LoginView.adapter_view(MicrosoftAdapter))
oauth2_callback = configured_only("microsoft")(CallbackView.adapter_view(MicrosoftAdapter))
