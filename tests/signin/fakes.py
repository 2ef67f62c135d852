"""Microsoft, Google and DfE Sign-in, faked at the HTTP layer for the sign-in tests.

Every call allauth and Headnet make to a provider (token exchange, keys, Graph profile,
OpenID configuration, userinfo) goes through the social adapter's requests session; the
tests mount `FakeProviders` on it, which answers as the provider would, with ID tokens
signed by a test RSA key whose public half it publishes as the provider's keys. The
browser's part (the authorisation page) is `authorise`: it reads the redirect allauth
sent the browser to and returns the callback address the provider would send it back to.
"""

import base64
import copy
import hashlib
import json
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from requests.adapters import BaseAdapter

from members.social import SocialAccountAdapter

MICROSOFT_LOGIN = "https://login.microsoftonline.com"
MICROSOFT_TENANT_ID = "4a1c5d2e-0000-4000-8000-00000000ab01"  # the school's tenant
GOOGLE_ISSUER = "https://accounts.google.com"
DFE_SERVER = "https://oidc.signin.education.example"
CLIENT_ID = {"microsoft": "ms-client-id", "google": "google-client-id", "dfe": "dfe-client-id"}

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = "test-key-1"


def jwks() -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(_KEY.public_key()))
    return {"keys": [public | {"kid": KID, "alg": "RS256", "use": "sig"}]}


def providers_settings(*, microsoft: bool = True, google: bool = True, dfe: bool = True) -> dict:
    """SOCIALACCOUNT_PROVIDERS as config/settings.py builds it with every provider set."""
    from django.conf import settings

    providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    app = {"secret": "a-secret"}
    if microsoft:
        providers["microsoft"]["APPS"] = [
            app | {"client_id": CLIENT_ID["microsoft"], "settings": {"tenant": "organizations"}}
        ]
    if google:
        providers["google"]["APPS"] = [app | {"client_id": CLIENT_ID["google"]}]
    if dfe:
        providers["openid_connect"]["APPS"] = [
            app
            | {
                "client_id": CLIENT_ID["dfe"],
                "provider_id": "dfe",
                "name": "DfE Sign-in",
                "settings": {
                    "server_url": DFE_SERVER,
                    "scope": ["openid", "email", "profile", "organisation"],
                    "oauth_pkce_enabled": True,
                },
            }
        ]
    return providers


@dataclass
class Person:
    """Who signs in at the fake provider, and what it says about them."""

    provider: str  # microsoft, google or dfe
    sub: str
    email: str
    given_name: str = "Alex"
    family_name: str = "Head"
    claims: dict[str, Any] = field(default_factory=dict)  # more ID token claims
    profile: dict[str, Any] = field(default_factory=dict)  # more Graph profile or userinfo


def microsoft_person(
    email: str, *, upn: str | None = None, oid: str = "oid-1", **claims: Any
) -> Person:
    """A work account: its user principal name is the address unless given."""
    upn = email if upn is None else upn
    return Person(
        provider="microsoft", sub=f"pairwise-{oid}", email=email,
        claims={"oid": oid, "tid": MICROSOFT_TENANT_ID, "email": email, **claims},
        profile={"id": oid, "mail": email, "userPrincipalName": upn},
    )  # fmt: skip


def google_person(email: str, *, sub: str = "g-1", verified: bool = True, hd: str = "") -> Person:
    claims: dict[str, Any] = {"email": email, "email_verified": verified}
    if hd:
        claims["hd"] = hd
    return Person(provider="google", sub=sub, email=email, claims=claims)


def dfe_person(email: str, *, sub: str = "dfe-1", urn: str = "", verified: bool = True) -> Person:
    profile: dict[str, Any] = {"email": email, "email_verified": verified}
    if urn:
        profile["organisation"] = {"id": "org-1", "name": "A school", "urn": urn}
    return Person(provider="dfe", sub=sub, email=email, profile=profile)


def _b64(digest: bytes) -> str:
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass
class Grant:
    person: Person
    nonce: str
    client_id: str
    code_challenge: str
    redirect_uri: str


class FakeProviders(BaseAdapter):
    """The providers' servers. `token_changes` alters the next ID tokens' claims (an
    audience, an expiry); `tamper` alters a signed token's payload; `sign_with_other_key`
    signs with a key the provider never published."""

    def __init__(self) -> None:
        super().__init__()
        self.grants: dict[str, Grant] = {}
        self.token_changes: dict[str, Any] = {}
        self.tamper = False
        self.sign_with_other_key = False
        self.calls: list[str] = []
        self._people_by_token: dict[str, Person] = {}

    # The browser's part: the provider's authorisation page ---------------------

    def authorise(self, authorize_url: str, person: Person) -> str:
        """The callback address (path and query) the provider sends the browser back to."""
        query = {key: values[0] for key, values in parse_qs(urlsplit(authorize_url).query).items()}
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            person=person, nonce=query.get("nonce", ""), client_id=query["client_id"],
            code_challenge=query.get("code_challenge", ""), redirect_uri=query["redirect_uri"],
        )  # fmt: skip
        redirect = urlsplit(query["redirect_uri"])
        return f"{redirect.path}?{urlencode({'code': code, 'state': query['state']})}"

    # The servers' part ----------------------------------------------------------

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = urlsplit(request.url)
        place = f"{url.scheme}://{url.netloc}{url.path}"
        self.calls.append(f"{request.method} {place}")
        routes = {
            f"{MICROSOFT_LOGIN}/organizations/oauth2/v2.0/token": self._token,
            f"{MICROSOFT_LOGIN}/organizations/discovery/v2.0/keys": lambda r: (200, jwks()),
            "https://graph.microsoft.com/v1.0/me": self._profile,
            "https://oauth2.googleapis.com/token": self._token,
            "https://www.googleapis.com/oauth2/v3/certs": lambda r: (200, jwks()),
            f"{DFE_SERVER}/.well-known/openid-configuration": lambda r: (200, self._dfe_config()),
            f"{DFE_SERVER}/token": self._token,
            f"{DFE_SERVER}/certs": lambda r: (200, jwks()),
            f"{DFE_SERVER}/me": self._profile,
        }
        handler = routes.get(place)
        status, body = handler(request) if handler else (404, {"error": "not found"})
        return self._response(request, status, body)

    def close(self) -> None:
        pass

    def _dfe_config(self) -> dict[str, Any]:
        return {
            "issuer": DFE_SERVER,
            "authorization_endpoint": f"{DFE_SERVER}/auth",
            "token_endpoint": f"{DFE_SERVER}/token",
            "userinfo_endpoint": f"{DFE_SERVER}/me",
            "jwks_uri": f"{DFE_SERVER}/certs",
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def _token(self, request: requests.PreparedRequest) -> tuple[int, dict[str, Any]]:
        form = {key: values[0] for key, values in parse_qs(str(request.body or "")).items()}
        grant = self.grants.pop(form.get("code", ""), None)  # a code is good once
        if grant is None or form.get("client_id") != grant.client_id:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        if (
            grant.code_challenge
            and _b64(hashlib.sha256(verifier.encode()).digest()) != grant.code_challenge
        ):
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        access_token = f"access-{secrets.token_urlsafe(8)}"
        self._people_by_token[access_token] = grant.person
        return 200, {
            "access_token": access_token, "token_type": "Bearer", "expires_in": 3600,
            "id_token": self.id_token(grant.person, nonce=grant.nonce, client_id=grant.client_id),
        }  # fmt: skip

    def _profile(self, request: requests.PreparedRequest) -> tuple[int, dict[str, Any]]:
        token = str(request.headers.get("Authorization", "")).removeprefix("Bearer ")
        person = self._people_by_token.get(token)
        if person is None:
            return 401, {"error": {"message": "InvalidAuthenticationToken"}}
        if person.provider == "microsoft":
            return 200, {"givenName": person.given_name, "surname": person.family_name,
                         **person.profile}  # fmt: skip
        return 200, {"sub": person.sub, "given_name": person.given_name,
                     "family_name": person.family_name, **person.profile}  # fmt: skip

    def issuer(self, person: Person) -> str:
        if person.provider == "microsoft":
            return f"{MICROSOFT_LOGIN}/{person.claims.get('tid', MICROSOFT_TENANT_ID)}/v2.0"
        return GOOGLE_ISSUER if person.provider == "google" else DFE_SERVER

    def id_token(self, person: Person, *, nonce: str, client_id: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer(person), "sub": person.sub, "aud": client_id,
            "iat": now, "exp": now + 3600, "nonce": nonce,
            "given_name": person.given_name, "family_name": person.family_name,
            **person.claims, **self.token_changes,
        }  # fmt: skip
        key = _OTHER_KEY if self.sign_with_other_key else _KEY
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})
        if self.tamper:
            header, payload, signature = token.split(".")
            changed = json.loads(base64.urlsafe_b64decode(payload + "=="))
            changed["email"] = "someone.else@school.example"
            payload = _b64(json.dumps(changed).encode())
            token = f"{header}.{payload}.{signature}"
        return token

    @staticmethod
    def _response(
        request: requests.PreparedRequest, status: int, body: dict[str, Any]
    ) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = str(request.url)
        response.request = request
        return response


@contextmanager
def faked(fake: FakeProviders | None = None):
    """Every HTTP call of the social accounts goes to the fake providers."""
    fake = fake or FakeProviders()

    def session(adapter: SocialAccountAdapter) -> requests.Session:
        session = requests.Session()
        session.mount("https://", fake)
        session.mount("http://", fake)
        return session

    with mock.patch.object(SocialAccountAdapter, "get_requests_session", session):
        yield fake


LOGIN_URL_NAMES = {"microsoft": ("microsoft_login", []), "google": ("google_login", []),
                   "dfe": ("openid_connect_login", ["dfe"])}  # fmt: skip


def start(client, provider: str, *, process: str = "login") -> str:
    """Press the provider's button: the authorisation address allauth redirects to."""
    from django.urls import reverse

    name, args = LOGIN_URL_NAMES[provider]
    response = client.post(reverse(name, args=args), {"process": process})
    assert response.status_code == 302, response.content[:500]
    return str(response["Location"])


def sign_in(client, fake: FakeProviders, person: Person, *, process: str = "login"):
    """The whole flow as the browser makes it; the callback's response."""
    callback = fake.authorise(start(client, person.provider, process=process), person)
    return client.get(callback)
