"""People's workflows at this floor: recording posts and deciding claimed ones. Their
effects on networks are the floors above's to trigger (networks.services, portal.services)."""

import datetime

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core.email import queue_templated_email

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
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        return Post.objects.get(**same), False  # the other submission won the race
    how = automatic_verification(post)
    if how:
        post = verify_post(post=post, how=how)
    return post, True


def automatic_verification(post: Post) -> str:
    """How the post can be verified without asking anyone, or "" if it cannot.

    A headship whose holder the register names as the school's head; any post of a
    person with a verified address at the school's own web domain.
    """
    person, school = post.person, post.school
    if post.is_headship and school.register_names_as_head(person):
        # Heads' names are public. If someone else already holds a verified headship
        # there under the register's name, a second claim to it is the one to doubt.
        impostor_or_twin = (
            Post.objects.current()
            .verified()
            .headships()
            .filter(school=school)
            .exclude(person=person)
            .select_related("person")
        )
        if not any(school.register_names_as_head(other.person) for other in impostor_or_twin):
            return Post.How.REGISTER
    domain = school.web_domain
    if domain and any(
        address.email.lower().rsplit("@", 1)[-1] == domain
        for address in EmailAddress.objects.filter(user=person, verified=True)
    ):
        return Post.How.SCHOOL_DOMAIN
    return ""


def _lock_claim(post: Post) -> Post:
    post = Post.objects.select_for_update().select_related("person", "school").get(pk=post.pk)
    if not post.is_claim:
        raise ValidationError("This post has already been decided, or has ended.")
    return post


@transaction.atomic
def verify_post(*, post: Post, how: str, by: User | None = None) -> Post:
    """Confirm a claimed post and record how, and by whom (no one: an automatic check)."""
    post = _lock_claim(post)
    now = timezone.now()
    post.verification = Post.Verification.VERIFIED
    post.verified_how = how
    post.decided_at = now
    post.save(update_fields=["verification", "verified_how", "decided_at"])
    PostDecision.objects.create(
        post=post, outcome=Post.Verification.VERIFIED, how=how, decided_by=by, decided_at=now
    )
    _audit_decision(post, "post.verified", "Post confirmed", by=by)
    return post


def _audit_decision(post: Post, action: str, summary: str, *, by: User | None) -> None:
    audit.record(
        obj=post,
        action=action,
        summary=f"{summary} ({Post.How(post.verified_how).label.lower()})",
        actor=by,
        subject=post.person,
        changes={
            "Verification": [Post.Verification.UNVERIFIED.label, post.get_verification_display()]
        },
        object_repr=f"{post.get_role_display()} at {post.school.name}",
    )


@transaction.atomic
def reject_post(*, post: Post, how: str, by: User) -> Post:
    """Reject a claimed post: it ends (and never counted), the decision is recorded and the
    claimant is told."""
    post = _lock_claim(post)
    now = timezone.now()
    post.verification = Post.Verification.REJECTED
    post.verified_how = how
    post.decided_at = now
    post.ended_on = max(timezone.localdate(), post.started_on)
    post.save(update_fields=["verification", "verified_how", "decided_at", "ended_on"])
    PostDecision.objects.create(
        post=post, outcome=Post.Verification.REJECTED, how=how, decided_by=by, decided_at=now
    )
    _audit_decision(post, "post.rejected", "Post rejected", by=by)
    queue_templated_email(
        "members/email/post_rejected", to=[post.person.email], context={"post": post}
    )
    return post


@transaction.atomic
def record_post_end(*, post: Post, ended_on: datetime.date) -> Post:
    """Mark a post as ended."""
    if post.ended_on is not None:
        raise ValidationError("This post has already ended.")
    post.ended_on = ended_on
    post.full_clean()
    post.save(update_fields=["ended_on"])
    return post
