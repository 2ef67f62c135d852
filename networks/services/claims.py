"""Claimed posts: adding and deciding them, and what a post's change does to the networks."""

import datetime

from django.db import transaction
from django.urls import reverse

from core.email import queue_templated_email
from members import services as members_services
from members.models import Post, School, User

from ..models import Membership
from .automatic import sync_automatic_memberships
from .seats import _school_administrator_emails, hand_over_school_seats


def follow_post_change(*, person: User, school: School) -> list[Membership]:
    """After a post is added, ends or is decided: the school's seats and the person's
    automatic networks. Returns the memberships it began."""
    seats = hand_over_school_seats(school=school)
    return seats + sync_automatic_memberships(person=person)


@transaction.atomic
def add_post(
    *,
    person: User,
    school: School,
    role: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
) -> Post:
    """Record a post; once verified, a new head takes their school's seats and automatic
    networks follow. An unverified post takes nothing: the school's heads are asked to
    confirm it. A headship verified automatically is told to the administrators of the
    school's networks, who may revoke it."""
    post, created = members_services.record_post(
        person=person, school=school, role=role, started_on=started_on, ended_on=ended_on
    )
    if created:
        follow_post_change(person=person, school=school)
        if not post.is_verified:
            ask_heads_to_confirm(post=post)
        else:
            # Verified by evidence alone: the school's networks' administrators may revoke it.
            tell_administrators_of_automatic_headship(post=post)
    return post


@transaction.atomic
def confirm_claim(*, post: Post, how: str, by: User) -> Post:
    """Verify a claimed post; the normal hand-over follows (seats pass to a new head where
    none leads the school by a verified headship; otherwise its sitting head is asked)."""
    post = members_services.verify_post(post=post, how=how, by=by)
    follow_post_change(person=post.person, school=post.school)
    post.refresh_from_db(fields=["seat_question"])
    return post


def follow_evidence(post: Post) -> None:
    """After a school account's evidence verified a claim as its holder signed in
    (members.school_accounts): the normal hand-over follows, as for a confirmed claim, and
    a headship verified by evidence alone is told to the school's networks' administrators,
    as when it is added."""
    follow_post_change(person=post.person, school=post.school)
    post.refresh_from_db(fields=["seat_question"])
    tell_administrators_of_automatic_headship(post=post)


@transaction.atomic
def reject_claim(*, post: Post, how: str, by: User) -> Post:
    """Reject a claimed post: it ends, the claimant is emailed, their networks follow."""
    post = members_services.reject_post(post=post, how=how, by=by)
    follow_post_change(person=post.person, school=post.school)
    return post


@transaction.atomic
def revoke_headship(*, post: Post, how: str, by: User) -> Post:
    """Revoke a headship verified by evidence alone: it ends, the person is emailed, any
    seat it took passes on as when a head leaves."""
    post = members_services.revoke_post(post=post, how=how, by=by)
    follow_post_change(person=post.person, school=post.school)
    return post


def tell_administrators_of_automatic_headship(*, post: Post) -> list[str]:
    """Tell the school's networks' administrators that a headship was verified by evidence
    alone, with a link to revoke it. Returns the addresses written to."""
    if not post.is_revocable:
        return []
    recipients = [
        email for email in _school_administrator_emails(post.school) if email != post.person.email
    ]
    if recipients:
        queue_templated_email(
            "networks/email/headship_verified",
            to=recipients,
            context={"post": post, "claim_path": reverse("portal:claim", args=[post.pk])},
        )
    return recipients


def ask_heads_to_confirm(*, post: Post) -> list[str]:
    """Email the school's verified heads (its seat holders among them) a link to decide a
    new claim there. Returns the addresses written to."""
    if post.is_verified:
        return []
    heads = (
        Post.objects.current()
        .verified()
        .headships()
        .filter(school=post.school)
        .exclude(person=post.person)
        .values_list("person__email", flat=True)
        .distinct()
    )
    recipients = sorted(heads)
    if recipients:
        queue_templated_email(
            "networks/email/claim_to_confirm",
            to=recipients,
            context={"post": post, "claim_path": reverse("portal:claim", args=[post.pk])},
        )
    return recipients
