"""Google's sign-in: only by a checked ID token (its claims are the account's data)."""

from typing import Any

from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2LoginView
from django.http import HttpRequest

from ..idtoken import verify_id_token
from ..views import CallbackView, configured_only

# Google's keys as JSON Web Keys (allauth reads the same keys as certificates, from v1).
KEYS_URL = "https://www.googleapis.com/oauth2/v3/certs"
ISSUERS = ("https://accounts.google.com", "accounts.google.com")


def _issuer(claims: dict[str, Any]) -> str:
    return str(claims["iss"]) if claims.get("iss") in ISSUERS else ""


class GoogleAdapter(GoogleOAuth2Adapter):
    expected_nonce: str | None = None

    def complete_login(
        self, request: HttpRequest, app: Any, token: Any, **kwargs: Any
    ) -> SocialLogin:
        # Without an ID token allauth would read the userinfo endpoint, whose answer
        # carries no nonce and no signature: refused.
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("No ID token")
        return super().complete_login(request, app, token, **kwargs)  # type: ignore[no-any-return]

    def _decode_id_token(self, app: Any, id_token: str) -> dict[str, Any]:
        return verify_id_token(
            id_token, keys_url=KEYS_URL, audience=app.client_id,
            nonce=self.expected_nonce, issuer=_issuer,
        )  # fmt: skip


oauth2_login = configured_only("google")(OAuth2LoginView.adapter_view(GoogleAdapter))
oauth2_callback = configured_only("google")(CallbackView.adapter_view(GoogleAdapter))
