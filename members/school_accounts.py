"""Evidence for posts from signing in with a school's own account (Microsoft, Google, DfE
Sign-in): what each proves, weighed by the same rule as every other piece of evidence
(members.services.automatic_verification; docs/rules.md, "Posts and verification").

- A Microsoft or Google account's address counts as a verified address of the person's,
  only when the provider proved it (`email_proved`) and, for Google, only when the
  address is at the account's Workspace domain (the `hd` claim): a Google account can be
  opened with any address, and only the Workspace shows the school gave it. Where the
  address's domain is a school's own web domain, it verifies their claims there exactly
  as a verified address does. The address is not added to the account: it is evidence
  at the moment of signing in, recorded on the decision (docs/rules.md says why).
- A DfE Sign-in account in a school's organisation (its URN) shows that the person works
  at the school: it verifies a deputy's, business leader's or governor's claim there,
  never a headship, and creates no post.

Only claims the person made are verified; nothing is taken from anyone (a headship is
verified only where no one leads the school by a verified headship). The sign-in flow
calls take_evidence each time someone signs in with such an account, so a claim added
since is weighed then; a second call with the same evidence changes nothing.

members cannot import the floors that hold seats: networks registers here what follows a
post's verification (`follow`, in its AppConfig.ready), as for a school's conversion.
"""

from collections.abc import Callable

from django.db import transaction

from . import services, web_domains
from .models import Post, PostDecision, School, User

PROVIDERS = {
    "microsoft": PostDecision.Provider.MICROSOFT,
    "google": PostDecision.Provider.GOOGLE,
    "dfe": PostDecision.Provider.DFE,
}

_verification_followers: list[Callable[[Post], object]] = []


def follow(verified: Callable[[Post], object]) -> None:
    """Register what runs after a school account's evidence verifies a post (inside the
    same transaction): the seats and automatic networks that follow a verified post."""
    if verified not in _verification_followers:
        _verification_followers.append(verified)


def proved_address(*, provider: str, email: str, email_proved: bool, hosted_domain: str) -> str:
    """The account's address, if it counts as a verified address of the person's; "" if not.

    Microsoft: when the provider proved it. Google: when proved and at the Workspace domain
    the account belongs to (`hosted_domain`, the `hd` claim); a personal Google account
    (gmail.com, or any address registered with Google) proves no school.
    """
    email = email.strip().lower()
    domain = web_domains.address_domain(email)
    if not email_proved or "@" not in email or "." not in domain:
        return ""
    if provider == PostDecision.Provider.GOOGLE and hosted_domain.strip().lower() != domain:
        return ""
    return email


@transaction.atomic
def take_evidence(
    person: User,
    *,
    provider: str,
    email: str,
    email_proved: bool,
    hosted_domain: str = "",
    dfe_urn: str = "",
) -> None:
    """Weigh what signing in with a school's account proves, and verify the person's own
    claims it is enough for, each decision recording the provider. Idempotent."""
    if provider not in PROVIDERS:
        raise ValueError(f"Unknown provider {provider!r}.")
    provider = PROVIDERS[provider]
    if provider == PostDecision.Provider.DFE:
        # Only its organisation's URN counts; the address of a DfE Sign-in account is the
        # person's own choice and proves nothing about a school.
        urn = dfe_urn.strip()
        if not (urn.isascii() and urn.isdigit()):
            return
        claims = Post.objects.claims().filter(person=person, school__urn=int(urn))
        _verify(claims, provider=provider, detail=urn, dfe_urn=urn)
        return
    address = proved_address(
        provider=provider, email=email, email_proved=email_proved, hosted_domain=hosted_domain
    )
    if not address:
        return
    domain = web_domains.address_domain(address)
    # Only the claims at schools whose website is at the domain can be the address's: the
    # database narrows them down, School.own_domain decides (in automatic_verification).
    claims = Post.objects.claims().filter(person=person, school__website__icontains=domain)
    _verify(claims, provider=provider, detail=domain, proved_address=address)


def _verify(
    claims, *, provider: str, detail: str, proved_address: str = "", dfe_urn: str = ""
) -> None:
    for pk, school_id, role in claims.values_list("pk", "school_id", "role"):
        if role in Post.HEAD_ROLES:
            # Two headships verified at once could each find no verified head in post
            # (as in services.record_post).
            School.objects.select_for_update().filter(pk=school_id).first()
        post = Post.objects.select_for_update().select_related("person", "school").get(pk=pk)
        if not post.is_claim:
            continue  # decided meanwhile
        how = services.automatic_verification(post, proved_address=proved_address, dfe_urn=dfe_urn)
        if not how:
            continue
        if dfe_urn and how != Post.How.DFE_SIGN_IN:
            # Confirmed by a verified address the person already had (added after the
            # claim): the rule ran now, but the evidence is not DfE Sign-in's.
            post = services.verify_post(post=post, how=how)
        else:
            post = services.verify_post(
                post=post, how=how, provider=provider, evidence_detail=detail
            )
        for follower in _verification_followers:
            follower(post)
