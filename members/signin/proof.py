"""What each provider proves about the address it gives (docs/rules.md, "Signing in with
a school account"). One rule per provider, read by the providers (which address allauth
treats as verified, and so may sign in to an existing account) and by members.social
(what is passed on as evidence for posts)."""

import json
from dataclasses import dataclass
from typing import Any

from allauth.account.internal.emailkit import valid_email_or_none

# Microsoft's tenant of personal accounts: never a school's.
MICROSOFT_CONSUMERS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"


def is_true(value: Any) -> bool:
    """A claim that says yes: true, or the string "true" (some providers send strings);
    anything else, absent included, is no."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


@dataclass(frozen=True)
class Proof:
    """The address a provider gave, whether it proves the address, and what else it proves."""

    email: str
    email_proved: bool
    hosted_domain: str = ""
    dfe_urn: str = ""


def microsoft_proof(data: dict[str, Any]) -> Proof:
    """Microsoft proves an address only two ways; its `mail` and `email` alone never.

    A tenant's administrator may set a user's `mail` (and the ID token's `email`) to any
    address at all, which is how the "nOAuth" takeovers worked. Proved are: the ID
    token's `email` with the `xms_edov` claim true (Microsoft says the address's domain
    is verified by the tenant that owns it), or the user principal name, which Entra ID
    allows only at a domain the tenant has verified (a guest's, marked #EXT#, is not
    theirs)."""
    claims = data.get("id_token") or {}
    claimed = valid_email_or_none(claims.get("email"))
    if claimed and is_true(claims.get("xms_edov")):
        return Proof(email=claimed, email_proved=True)
    principal = str(data.get("userPrincipalName") or "")
    if "#ext#" not in principal.lower() and (upn := valid_email_or_none(principal)):
        return Proof(email=upn, email_proved=True)
    unproved = valid_email_or_none(data.get("mail")) or claimed or ""
    return Proof(email=unproved, email_proved=False)


# Google's own mail: an address there is the Google account itself.
GOOGLE_MAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def google_proof(claims: dict[str, Any]) -> Proof:
    """Google proves an address by `email_verified`, and a Workspace domain by `hd`.

    The claims are those of the ID token Headnet checked (members.signin.idtoken): `hd`
    is in it only for an account of a Google Workspace that owns the domain. An address
    at a school's domain without `hd` is a personal Google account made with that
    address, which proves the mailbox once received mail, not that it still does: such
    an address is not proved (it is verified by our own email, as any other), so it can
    neither join an existing account nor count as an address at the school's domain."""
    email = valid_email_or_none(claims.get("email")) or ""
    verified = is_true(claims.get("email_verified"))
    hosted_domain = str(claims.get("hd") or "").lower()
    domain = email.rpartition("@")[2].lower()
    google_owns_it = domain in GOOGLE_MAIL_DOMAINS or (
        bool(hosted_domain) and hosted_domain == domain
    )
    return Proof(email=email, email_proved=bool(email) and verified and google_owns_it,
                 hosted_domain=hosted_domain)  # fmt: skip


def _organisation(data: dict[str, Any]) -> dict[str, Any]:
    organisation = data.get("organisation")
    if isinstance(organisation, str):
        try:
            organisation = json.loads(organisation)
        except ValueError:
            return {}
    return organisation if isinstance(organisation, dict) else {}


def dfe_proof(data: dict[str, Any]) -> Proof:
    """DfE Sign-in: its `email_verified`, and the URN of the organisation the person signed
    in for (the `organisation` claim, requested by its scope), from userinfo or the ID token."""
    userinfo, claims = data.get("userinfo") or {}, data.get("id_token") or {}
    email = valid_email_or_none(userinfo.get("email") or claims.get("email")) or ""
    verified = is_true(userinfo.get("email_verified", claims.get("email_verified")))
    organisation = _organisation(userinfo) or _organisation(claims)
    urn = str(organisation.get("urn") or "").strip()
    return Proof(email=email, email_proved=bool(email) and verified,
                 dfe_urn=urn if urn.isdigit() else "")  # fmt: skip


PROOFS = {"microsoft": microsoft_proof, "google": google_proof, "dfe": dfe_proof}


def proof_for(provider: str, extra_data: dict[str, Any]) -> Proof:
    """What the named provider (a social account's `provider`) proved in `extra_data`."""
    rule = PROOFS.get(provider)
    if rule is None:
        return Proof(email="", email_proved=False)
    return rule(extra_data)
