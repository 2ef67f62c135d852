"""Signing in by OpenID Connect (DfE Sign-in): the ID token checked, then userinfo."""

from typing import Any

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import HttpRequest, HttpResponse

from ..idtoken import verify_id_token
from ..views import CallbackView, configured_only


class OpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    expected_nonce: str | None = None

    def complete_login(
        self, request: HttpRequest, app: Any, token: Any, **kwargs: Any
    ) -> SocialLogin:
        claims = self._decode_id_token(app, kwargs["response"].get("id_token"))
        userinfo = self._fetch_user_info(token.token)
        if str(userinfo.get("sub")) != str(claims["sub"]):
            raise OAuth2Error("The ID token and userinfo are of different people")
        data = {"userinfo": userinfo, "id_token": claims}
        return self.get_provider().sociallogin_from_response(request, data)  # type: ignore[no-any-return]

    def _decode_id_token(self, app: Any, id_token: str | None) -> dict[str, Any]:
        return verify_id_token(
            id_token,
            keys_url=self.openid_config["jwks_uri"],
            audience=app.client_id,
            nonce=self.expected_nonce,
            issuer=str(self.openid_config["issuer"]),
        )


@configured_only()
@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    view = OAuth2LoginView.adapter_view(OpenIDConnectAdapter(request, provider_id))
    return view(request)  # type: ignore[no-any-return]


@configured_only()
@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    view = CallbackView.adapter_view(OpenIDConnectAdapter(request, provider_id))
    return view(request)  # type: ignore[no-any-return]
