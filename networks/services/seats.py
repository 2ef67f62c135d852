"""School seats: who holds a school's seat in a school-based network, and its hand-over
when the school's headship changes (docs/rules.md, "Seats and hand-over")."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import audit, pagecache
from core.email import queue_templated_email
from members.models import Post, School, User

from .. import eligibility
from ..models import Membership, Network
from .memberships import _audit_membership, _create_live, _live_membership, end_membership

# Who holds a school's seat when several people lead it: these roles first,
# then the most recent appointment.
SEAT_ROLE_ORDER: dict[str, int] = {
    Post.Role.HEADTEACHER: 0,
    Post.Role.EXECUTIVE_HEAD: 0,
    Post.Role.INTERIM_HEAD: 0,
    Post.Role.HEAD_OF_SCHOOL: 1,
}


def _school_head_posts(school: School, on: datetime.date | None = None) -> list[Post]:
    """Everyone leading the school on the day (verified or not), first claim to its seats
    first."""
    posts = Post.objects.current(on).headships().filter(school=school).select_related("person")
    return sorted(
        posts, key=lambda post: (SEAT_ROLE_ORDER[post.role], -post.started_on.toordinal())
    )


def _seat_successor(
    head_posts: list[Post], network: Network, holder: User | None = None
) -> tuple[User | None, Post | None]:
    """Who should hold the school's seat in the network, and the verified headship to ask
    about when the order alone would pass the seat on from a verified head in post.

    The order: the first of the school's heads (head_posts) free to sit, the holder
    among them. Only a verified head takes a seat. A holder who leads the school by a
    verified headship keeps it until a decision passes it on (SeatQuestion.PASSED) or
    their post ends; a headship the order would prefer is asked about meanwhile. A
    holder without one (a seat from before posts were verified) keeps it until a
    verified head is free to take it.
    """

    def holds(post: Post) -> bool:
        return holder is not None and post.person_id == holder.pk

    def free(post: Post) -> bool:
        return post.is_verified and _live_membership(post.person, network) is None

    if any(holds(post) and post.is_verified for post in head_posts):
        others = [post for post in head_posts if not holds(post) and free(post)]
        passed = [post for post in others if post.seat_question == Post.SeatQuestion.PASSED]
        if passed:
            return passed[0].person, None
        first = next(
            (
                post
                for post in head_posts
                if holds(post) or (post in others and post.seat_question != Post.SeatQuestion.KEPT)
            ),
            None,
        )
        return holder, (None if first is None or holds(first) else first)
    for post in head_posts:
        if free(post):
            return post.person, None
    if any(holds(post) for post in head_posts):
        return holder, None  # leads it by a claim from before verification, and no one else
    return None, None


@transaction.atomic
def hand_over_school_seats(
    *, school: School, notify_previous: bool = True, leaving: User | None = None
) -> list[Membership]:
    """After the school's headship changes, pass its seats in school-based networks to its head.

    The old head keeps their membership if another current headship gives them a
    free seat in that network; otherwise it lapses. Both are emailed. A verified head in
    post keeps their seats until a decision (or the end of their post): a second
    verified headship the order would prefer is asked about instead, once, to the
    sitting head and the school's networks' administrators. Returns the new head's
    memberships. `leaving`: a person closing their account, passed over as if their
    posts had ended, who keeps no seat anywhere.
    """
    head_posts = [post for post in _school_head_posts(school) if post.person != leaving]
    handed_over = []
    asked: dict[int, Post] = {}
    sitting: set[User] = set()
    seats = (
        Membership.objects.live()
        # Lock the seats only: person may be empty (an outer join PostgreSQL won't lock).
        .select_for_update(of=("self",))
        .filter(school=school, network__basis=Network.Basis.SCHOOL)
        .select_related("network", "person")
    )
    networks_with_seat = set()
    for seat in seats:
        networks_with_seat.add(seat.network_id)
        head, question = _seat_successor(head_posts, seat.network, holder=seat.person)
        if question is not None:
            asked[question.pk] = question
            sitting.add(seat.holder)
        if head and seat.person_id == head.pk:
            continue
        old_head = seat.holder
        other_school = (
            None
            if old_head == leaving
            else _another_free_seat(old_head, seat.network, excluding=school)
        )
        if other_school:
            seat.school = other_school
            seat.save(update_fields=["school"])
        else:
            end_membership(
                membership=seat,
                status=Membership.Status.LAPSED,
                by=None,
                summary="Lapsed: the school's seat passed on",
            )
        new_seat = _give_seat(head, seat.network, school) if head else None
        if new_seat:
            handed_over.append(new_seat)
        if notify_previous:
            queue_templated_email(
                "networks/email/seat_left",
                to=[old_head.email],
                context={
                    "network": seat.network,
                    "school": school,
                    "new_head": head,
                    "kept_for": other_school,
                },
            )

    # A seat left empty by an earlier change (no head for a while) goes to the new head.
    if head_posts:
        vacated = (
            Membership.objects.filter(
                school=school,
                network__basis=Network.Basis.SCHOOL,
                status=Membership.Status.LAPSED,
            )
            .exclude(network_id__in=networks_with_seat)
            .select_related("network")
        )
        for network in {membership.network for membership in vacated}:
            head, _ = _seat_successor(head_posts, network)
            new_seat = _give_seat(head, network, school) if head else None
            if new_seat:
                handed_over.append(new_seat)
    _update_seat_questions(school, asked, sitting)
    return handed_over


def _update_seat_questions(school: School, asked: dict[int, Post], sitting: set[User]) -> None:
    """Ask, once, about each headship now waiting for the seats; forget the questions that
    no longer arise (its head took a seat, or the sitting head's post ended)."""
    forgotten = (
        Post.objects.filter(school=school, seat_question=Post.SeatQuestion.ASKED)
        .exclude(pk__in=asked)
        .update(seat_question=Post.SeatQuestion.NONE)
    )
    if forgotten:  # a queryset update sends no model signals; a post's save counts site-wide
        pagecache.invalidate(pagecache.SITE)
    for post in asked.values():
        if post.seat_question != Post.SeatQuestion.NONE:
            continue  # asked already, or decided
        post.seat_question = Post.SeatQuestion.ASKED
        post.save(update_fields=["seat_question"])
        audit.record(
            obj=post,
            action="post.seats_asked",
            summary="Asked whether the school's seats pass to this head",
            subject=post.person,
            changes={"Seats": ["", post.get_seat_question_display()]},
            object_repr=f"{post.get_role_display()} at {school.name}",
        )
        recipients = sorted(
            {head.email for head in sitting} | set(_school_administrator_emails(school))
        )
        queue_templated_email(
            "networks/email/seat_question",
            to=recipients,
            context={
                "post": post,
                "school": school,
                "sitting": sorted(head.get_full_name() or head.email for head in sitting),
                "claim_path": reverse("portal:claim", args=[post.pk]),
            },
        )


def _school_administrator_emails(school: School) -> list[str]:
    """The addresses of those who may decide about the school's posts and seats."""
    administrators = Membership.objects.administering_for_school(school.pk)
    return sorted(set(administrators.values_list("person__email", flat=True)))


def _another_free_seat(person: User, network: Network, *, excluding: School) -> School | None:
    """Another school the person leads that the network covers and that has no seat yet."""
    person = User.objects.with_posts().get(pk=person.pk)
    area_ids = {area.pk for area in network.areas.all()}
    for post in person.current_posts():
        if post.school_id == excluding.pk or not post.is_headship:
            continue
        if not post.is_verified or not eligibility.post_qualifies(network, post, area_ids):
            continue
        seat_taken = Membership.objects.live().filter(network=network, school=post.school).exists()
        if not seat_taken:
            return post.school
    return None


def _give_seat(head: User, network: Network, school: School) -> Membership | None:
    if _live_membership(head, network):
        return None  # they are already a member (through another school)
    membership, created = _create_live(
        person=head,
        network=network,
        school=school,
        status=Membership.Status.ACTIVE,
        started_at=timezone.now(),
    )
    if created:
        _audit_membership(
            membership,
            "membership.seat",
            f"Took {school.name}'s seat as its head",
            by=None,
            changes={"Status": ["", Membership.Status.ACTIVE.label]},
        )
        queue_templated_email(
            "networks/email/seat_received",
            to=[head.email],
            context={"network": network, "school": school},
        )
    return membership if created else None


def _lock_seat_question(post: Post) -> Post:
    post = Post.objects.select_for_update().select_related("person", "school").get(pk=post.pk)
    if not post.awaits_seat_decision:
        raise ValidationError("This has already been decided, or the post has ended.")
    return post


def _audit_seat_decision(post: Post, summary: str, *, how: str, by: User) -> None:
    audit.record(
        obj=post,
        action=f"post.seats_{post.seat_question}",
        summary=f"{summary} ({Post.How(how).label.lower()})",
        actor=by,
        subject=post.person,
        changes={"Seats": [Post.SeatQuestion.ASKED.label, post.get_seat_question_display()]},
        object_repr=f"{post.get_role_display()} at {post.school.name}",
    )


@transaction.atomic
def pass_school_seats(*, post: Post, how: str, by: User) -> list[Membership]:
    """The decision the seat waited for: the school's seats pass from its sitting head to
    this verified head (both emailed, as at any change of head). Returns the new seats."""
    post = _lock_seat_question(post)
    post.seat_question = Post.SeatQuestion.PASSED
    post.save(update_fields=["seat_question"])
    _audit_seat_decision(post, "The school's seats pass to this head", how=how, by=by)
    return hand_over_school_seats(school=post.school)


@transaction.atomic
def keep_school_seats(*, post: Post, how: str, by: User) -> Post:
    """The seats stay with the sitting head; this head is told they pass when the sitting
    head's post ends."""
    post = _lock_seat_question(post)
    post.seat_question = Post.SeatQuestion.KEPT
    post.save(update_fields=["seat_question"])
    _audit_seat_decision(post, "The school's seats stay with its sitting head", how=how, by=by)
    queue_templated_email(
        "networks/email/seats_kept", to=[post.person.email], context={"post": post}
    )
    return post
