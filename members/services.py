"""People's workflows at this floor: recording posts and deciding claimed ones. Their
effects on networks are the floors above's to trigger (networks.services, portal.services)."""

import datetime

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core.email import queue_templated_email

from . import web_domains
from .models import Post, PostDecision, School, User


@transaction.atomic
def record_post(
    *,
    person: User,
    school: School,
    role: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
) -> tuple[Post, bool]:
    """Record a post, verified at once if the evidence allows; idempotent.

    Returns the post and whether it is new.
    """
    same = {"person": person, "school": school, "role": role, "started_on": started_on}
    existing = Post.objects.filter(**same).first()
    if existing:
        return existing, False  # submitted twice: the post is already recorded
    post = Post(**same, ended_on=ended_on)
    post.full_clean()
    if post.is_headship:
        # Two headships verified at once could each find no verified head in post.
        School.objects.select_for_update().filter(pk=school.pk).first()
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        return Post.objects.get(**same), False  # the other submission won the race
    how = automatic_verification(post)
    if how:
        post = verify_post(post=post, how=how)
    return post, True


def has_address_at_own_domain(person: User, school: School, *, proved: str = "") -> bool:
    """A verified address of the person's at the school's own web domain: they work there.

    `proved`: an address a school account's provider proved is theirs as they signed in
    (members.school_accounts), which counts exactly as a verified address of theirs.
    """
    domain = school.own_domain()
    if not domain:
        return False
    if proved and web_domains.address_domain(proved) == domain:
        return True
    return any(
        web_domains.address_domain(address.email) == domain
        for address in EmailAddress.objects.filter(user=person, verified=True)
    )


def has_verified_head_in_post(school: School, *, besides: User) -> bool:
    """Someone other than `besides` leads the school now by a verified headship."""
    heads = Post.objects.current().verified().headships().filter(school=school)
    return heads.exclude(person=besides).exists()


def automatic_verification(post: Post, *, proved_address: str = "", dfe_urn: str = "") -> str:
    """How the post can be verified without asking anyone, or "" if it cannot
    (docs/rules.md, "Posts and verification": evidence is weighed, never trusted alone).

    - A deputy's, business leader's or chair of governors' post: a verified address at the
      school's own domain shows that they work there; so does a DfE Sign-in account in the
      school's organisation (`dfe_urn`, the URN DfE Sign-in gave as the person signed in).
    - A headship: that address and the register's head name together, and only where no
      one else leads the school by a verified headship (whoever leads it decides then).
      The register's names are public, and a school address is given to its teaching
      assistants too, so neither is enough alone. DfE Sign-in does not stand in for the
      address here: a person decides (docs/rules.md says why).

    `proved_address`: an address a school account proved (see has_address_at_own_domain).
    """
    person, school = post.person, post.school
    if post.role in Post.ROLES_AN_ADDRESS_PROVES:
        if has_address_at_own_domain(person, school, proved=proved_address):
            return Post.How.SCHOOL_DOMAIN
        if dfe_urn and dfe_urn == str(school.urn):
            return Post.How.DFE_SIGN_IN
        return ""
    if not post.is_headship or not school.register_names_as_head(person):
        return ""
    if has_verified_head_in_post(school, besides=person):
        return ""
    if not has_address_at_own_domain(person, school, proved=proved_address):
        return ""
    return Post.How.REGISTER_AND_DOMAIN


def _lock_claim(post: Post) -> Post:
    post = Post.objects.select_for_update().select_related("person", "school").get(pk=post.pk)
    if not post.is_claim:
        raise ValidationError("This post has already been decided, or has ended.")
    return post


@transaction.atomic
def verify_post(
    *,
    post: Post,
    how: str,
    by: User | None = None,
    provider: str = "",
    evidence_detail: str = "",
) -> Post:
    """Confirm a claimed post and record how, and by whom (no one: an automatic check).

    `provider` and `evidence_detail`: the school account whose evidence confirmed it
    (PostDecision.Provider), and what it proved (the address's domain, or the URN).
    """
    post = _lock_claim(post)
    now = timezone.now()
    post.verification = Post.Verification.VERIFIED
    post.verified_how = how
    post.decided_at = now
    post.save(update_fields=["verification", "verified_how", "decided_at"])
    decision = PostDecision.objects.create(
        post=post,
        outcome=Post.Verification.VERIFIED,
        how=how,
        decided_by=by,
        decided_at=now,
        evidence_provider=provider,
        evidence_detail=evidence_detail,
    )
    _audit_decision(
        post,
        "post.verified",
        "Post confirmed",
        by=by,
        before=Post.Verification.UNVERIFIED,
        account=decision.account_label,
    )
    return post


def _audit_decision(
    post: Post, action: str, summary: str, *, by: User | None, before: str, account: str = ""
) -> None:
    label = Post.How(post.verified_how).label
    evidence = label[0].lower() + label[1:]  # "DfE Sign-in" keeps its capitals
    if account:
        evidence = f"{evidence}: {account}"
    audit.record(
        obj=post,
        action=action,
        summary=f"{summary} ({evidence})",
        actor=by,
        subject=post.person,
        changes={
            "Verification": [Post.Verification(before).label, post.get_verification_display()]
        },
        object_repr=f"{post.get_role_display()} at {post.school.name}",
    )


def _decide_against(post: Post, *, how: str, by: User, revoked: bool) -> Post:
    """The post ends (and never counted), the decision is recorded, the person is told."""
    before = post.verification
    now = timezone.now()
    post.verification = Post.Verification.REJECTED
    post.verified_how = how
    post.decided_at = now
    post.ended_on = max(timezone.localdate(), post.started_on)
    post.seat_question = Post.SeatQuestion.NONE
    post.save(
        update_fields=["verification", "verified_how", "decided_at", "ended_on", "seat_question"]
    )
    PostDecision.objects.create(
        post=post, outcome=Post.Verification.REJECTED, how=how, decided_by=by, decided_at=now
    )
    if revoked:
        _audit_decision(post, "post.revoked", "Verification revoked", by=by, before=before)
    else:
        _audit_decision(post, "post.rejected", "Post rejected", by=by, before=before)
    queue_templated_email(
        "members/email/post_rejected",
        to=[post.person.email],
        context={"post": post, "revoked": revoked},
    )
    return post


@transaction.atomic
def reject_post(*, post: Post, how: str, by: User) -> Post:
    """Reject a claimed post: it ends (and never counted), the decision is recorded and the
    claimant is told."""
    return _decide_against(_lock_claim(post), how=how, by=by, revoked=False)


@transaction.atomic
def revoke_post(*, post: Post, how: str, by: User) -> Post:
    """Undo a headship verified by evidence alone (an administrator or staff know better):
    it ends as a rejected claim does, the decision is recorded and the person is told."""
    post = Post.objects.select_for_update().select_related("person", "school").get(pk=post.pk)
    if not post.is_revocable:
        raise ValidationError("Only a headship verified automatically, and not ended, is revoked.")
    return _decide_against(post, how=how, by=by, revoked=True)


@transaction.atomic
def record_post_end(*, post: Post, ended_on: datetime.date) -> Post:
    """Mark a post as ended."""
    if post.ended_on is not None:
        raise ValidationError("This post has already ended.")
    post.ended_on = ended_on
    post.full_clean()
    post.save(update_fields=["ended_on"])
    return post
