"""The ID token check every provider of ours makes (see the package's docstring)."""

import secrets
from collections.abc import Callable
from typing import Any

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.http import HttpRequest, HttpResponse

# RS256 is what Microsoft, Google and DfE Sign-in sign with; "none" and the HMAC family
# (which a forger could sign with the public key) are never accepted.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256"]
LEEWAY = 60  # seconds of clock difference allowed on exp and iat


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def verify_id_token(
    raw: str | None,
    *,
    keys_url: str,
    audience: str,
    nonce: str | None,
    issuer: str | Callable[[dict[str, Any]], str],
) -> dict[str, Any]:
    """The token's claims, or OAuth2Error: signed by a key at keys_url, for `audience`,
    from the issuer (a string, or a function of the claims for Microsoft's tenants),
    unexpired, with the nonce this sign-in sent."""
    if not raw:
        raise OAuth2Error("No ID token")
    if not nonce:
        raise OAuth2Error("No nonce was sent for this sign-in")
    try:
        header = jwt.get_unverified_header(raw)
        if header.get("alg") not in ALGORITHMS:
            raise OAuth2Error(f"ID token signed with {header.get('alg')!r}")
        with get_adapter().get_requests_session() as session:
            response = session.get(keys_url)
            response.raise_for_status()
            keys = response.json()
        key = jwtkit.lookup_kid_jwk(keys, header.get("kid"))
        if key is None:
            raise OAuth2Error("ID token signed with an unknown key")
        claims = jwt.decode(
            raw,
            key=key,
            algorithms=[header["alg"]],
            audience=audience,
            leeway=LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "sub"], "verify_iss": False},
        )
    except (jwt.PyJWTError, ValueError, KeyError) as error:
        raise OAuth2Error("Invalid ID token") from error
    expected_issuer = issuer(claims) if callable(issuer) else issuer
    if not expected_issuer or claims["iss"] != expected_issuer:
        raise OAuth2Error("ID token from another issuer")
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise OAuth2Error("ID token for another sign-in (nonce)")
    jwtkit.verify_jti(claims)
    return claims


class NonceProviderMixin:
    """Sends a fresh nonce with each authorisation request and keeps it in the state."""

    def redirect(
        self, request: HttpRequest, process: str, next_url: str | None = None,
        data: Any = None, **kwargs: Any,
    ) -> HttpResponse:  # fmt: skip
        nonce = new_nonce()
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()  # type: ignore[attr-defined]  # the provider's
        auth_params = {**auth_params, "nonce": nonce}
        # A mixin: the provider class it is mixed into has redirect() (allauth, untyped).
        response: HttpResponse = super().redirect(  # type: ignore[misc]
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )
        return response


class NonceCallbackMixin:
    """Hands the state's nonce to the adapter, which checks the ID token against it."""

    def _get_state(self, request: HttpRequest, provider: Any) -> tuple[Any, Any]:
        # A mixin for allauth's (untyped) callback view, which has _get_state and adapter.
        state, response = super()._get_state(request, provider)  # type: ignore[misc]
        self.adapter.expected_nonce = (state or {}).get("nonce")  # type: ignore[attr-defined]
        return state, response
