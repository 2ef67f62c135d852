"""Membership workflows. No request, no permission checks: callers decide who may."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.email import queue_templated_email
from members import services as members_services
from members.models import Post, School, User

from .eligibility import JoinKind
from .models import ContactMessage, Invitation, Membership, Network, Workhub, WorkhubMembership
from .tasks import deliver_contact_message


def _audit_membership(
    membership: Membership, action: str, summary: str, *, by: User | None, changes: dict
) -> None:
    """Record a change to a membership; the person's name goes in `subject` only."""
    network = membership.network
    where = f" ({membership.school.name})" if membership.school_id else ""
    audit.record(
        obj=membership,
        action=action,
        summary=summary,
        actor=by,
        subject=membership.person,
        network_id=network.pk,
        changes=changes,
        object_repr=f"Membership of {network.label}{where}",
    )


def _status_change(before: str, after: str) -> dict:
    return {"Status": [Membership.Status(before).label, Membership.Status(after).label]}


def _live_membership(person, network) -> Membership | None:
    return Membership.objects.live().filter(person=person, network=network).first()


def _create_live(**fields) -> tuple[Membership, bool]:
    """Create a live membership unless one exists; the database constraint decides races."""
    try:
        with transaction.atomic():
            return Membership.objects.create(**fields), True
    except IntegrityError:
        existing = _live_membership(fields["person"], fields["network"])
        if existing is None:
            raise  # another constraint (the school's seat) was broken: a real error
        return existing, False


@transaction.atomic
def join_network(*, person: User, network: Network) -> Membership:
    """Join (open), request to join (approval) or accept an invitation; idempotent."""
    existing = _live_membership(person, network)
    if existing:
        return existing
    option = network.join_option_for(person)
    if not option.can_join:
        raise ValidationError(option.reason)

    now = timezone.now()
    school = option.school if network.is_school_based else None
    if option.kind == JoinKind.REQUEST:
        membership, created = _create_live(
            person=person, network=network, school=school, status=Membership.Status.PENDING
        )
        if created:
            _audit_membership(
                membership,
                "membership.requested",
                "Asked to join",
                by=person,
                changes={"Status": ["", Membership.Status.PENDING.label]},
            )
            _email_administrators_of_request(membership)
        return membership

    membership, created = _create_live(
        person=person,
        network=network,
        school=school,
        status=Membership.Status.ACTIVE,
        started_at=now,
    )
    if created:
        _audit_membership(
            membership,
            "membership.joined",
            "Accepted an invitation" if option.invitation is not None else "Joined",
            by=person,
            changes={"Status": ["", Membership.Status.ACTIVE.label]},
        )
    if option.invitation is not None and created:
        option.invitation.accepted_at = now
        option.invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def leave_network(*, person: User, network: Network) -> Membership:
    """End the person's membership (or withdraw their pending request)."""
    membership = (
        Membership.objects.live().select_for_update().filter(person=person, network=network).first()
    )
    if membership is None:
        raise ValidationError(f"You are not a member of {network.name}.")
    before = membership.status
    membership.status = Membership.Status.LEFT
    membership.ended_at = timezone.now()
    membership.save(update_fields=["status", "ended_at"])
    _audit_membership(
        membership,
        "membership.left",
        "Withdrew the request" if before == Membership.Status.PENDING else "Left",
        by=person,
        changes=_status_change(before, membership.status),
    )
    # Workhubs belong to the network: leaving it leaves them too.
    WorkhubMembership.objects.filter(person=person, workhub__network=network).delete()
    sync_admin_site_access(person)
    return membership


@transaction.atomic
def approve_membership(*, membership: Membership, by: User) -> Membership:
    """Make a pending request an active membership and tell the person."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("person", "network", "school")
        .get(pk=membership.pk)
    )
    if not membership.is_pending:
        raise ValidationError("This request has already been decided.")
    if membership.network.needs_verified_posts and not _has_confirmed_post(membership):
        where = f" at {membership.school.name}" if membership.school else ""
        raise ValidationError(
            f"{membership.person}'s post{where} is not yet confirmed, so "
            f"{membership.network.label} cannot take them in yet. Confirm the post first."
        )
    now = timezone.now()
    membership.status = Membership.Status.ACTIVE
    membership.started_at = now
    membership.decided_by = by
    membership.decided_at = now
    membership.save(update_fields=["status", "started_at", "decided_by", "decided_at"])
    _audit_membership(
        membership,
        "membership.approved",
        "Request approved",
        by=by,
        changes=_status_change(Membership.Status.PENDING, membership.status),
    )
    queue_templated_email(
        "networks/email/request_approved",
        to=[membership.person.email],
        context={"membership": membership, "network": membership.network},
    )
    return membership


def _has_confirmed_post(membership: Membership) -> bool:
    """A current verified post behind the request: for a school's seat, a verified
    headship at that school (only a verified headship takes a seat)."""
    posts = Post.objects.current().verified().filter(person=membership.person)
    if membership.network.is_school_based:
        posts = posts.headships().filter(school=membership.school_id)
    return posts.exists()


@transaction.atomic
def decline_membership(*, membership: Membership, by: User, reason: str = "") -> Membership:
    """Decline a pending request, with an optional reason, and tell the person."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("person", "network", "school")
        .get(pk=membership.pk)
    )
    if not membership.is_pending:
        raise ValidationError("This request has already been decided.")
    now = timezone.now()
    membership.status = Membership.Status.DECLINED
    membership.decided_by = by
    membership.decided_at = now
    membership.ended_at = now
    membership.decline_reason = reason.strip()
    membership.save(
        update_fields=["status", "decided_by", "decided_at", "ended_at", "decline_reason"]
    )
    changes = _status_change(Membership.Status.PENDING, membership.status)
    if membership.decline_reason:
        changes["Reason"] = ["", membership.decline_reason]
    _audit_membership(membership, "membership.declined", "Request declined", by=by, changes=changes)
    queue_templated_email(
        "networks/email/request_declined",
        to=[membership.person.email],
        context={"membership": membership, "network": membership.network},
    )
    return membership


@transaction.atomic
def invite(*, network: Network, email: str, by: User) -> Invitation:
    """Invite an email address to join; sends the invitation (again, if asked twice)."""
    email = email.strip().lower()
    if Membership.objects.live().filter(network=network, person__email=email).exists():
        raise ValidationError(f"{email} is already a member of {network.name}.")
    invitation = Invitation.objects.filter(
        network=network, email=email, accepted_at__isnull=True
    ).first() or Invitation.objects.create(network=network, email=email, invited_by=by)
    queue_templated_email(
        "networks/email/invitation",
        to=[email],
        context={"network": network, "invited_by": by},
    )
    return invitation


def _email_administrators_of_request(membership: Membership) -> None:
    network = membership.network
    recipients = network.administrator_emails()
    if recipients:
        queue_templated_email(
            "networks/email/request_received",
            to=recipients,
            context={
                "membership": membership,
                "network": network,
                "requests_path": reverse("networks:requests", args=[network.slug]),
            },
        )


# Automatic networks -------------------------------------------------------


def sync_automatic_memberships(*, person: User, welcome: bool = True) -> list[Membership]:
    """Bring the person's automatic memberships in line with their posts.

    Enrols them in every automatic network they are eligible for (except ones
    they chose to leave: they can rejoin) and lapses person-based automatic
    memberships they no longer qualify for. School seats move with
    hand_over_school_seats. Coordinators and administrators keep their place.
    Returns the new memberships; each new member is emailed a welcome (unless
    `welcome` is False: the demo's fictional people).
    """
    person = User.objects.with_posts().get(pk=person.pk)
    networks = Network.objects.filter(join_policy=Network.JoinPolicy.AUTOMATIC).prefetch_related(
        "areas"
    )
    memberships = {
        membership.network_id: membership
        for membership in Membership.objects.filter(person=person).order_by("requested_at")
    }
    enrolled = []
    for network in networks:
        membership = memberships.get(network.pk)
        if membership and membership.is_live:
            # Coming in takes a verified post; staying takes a current one, so members
            # from before posts were verified keep their place until their claim is
            # decided (a rejected post ends, and they lapse then).
            stays = (
                network.eligibility_for(person, count_claims=True)
                or membership.role != Membership.Role.MEMBER
            )
            if not stays and not network.is_school_based:
                _lapse(membership)
            continue
        if membership and membership.status == Membership.Status.LEFT:
            continue
        eligibility = network.eligibility_for(person)
        if not eligibility:
            continue
        new, created = _create_live(
            person=person,
            network=network,
            school=eligibility.school if network.is_school_based else None,
            status=Membership.Status.ACTIVE,
            started_at=timezone.now(),
        )
        if created:
            _audit_membership(
                new,
                "membership.enrolled",
                "Enrolled automatically",
                by=None,
                changes={"Status": ["", Membership.Status.ACTIVE.label]},
            )
            enrolled.append(new)
            if welcome:
                _welcome_to_automatic_network(new)
    return enrolled


def _welcome_to_automatic_network(membership: Membership) -> None:
    """Tell a person enrolled automatically what they are now part of, and what it means."""
    queue_templated_email(
        "networks/email/welcome_automatic",
        to=[membership.person.email],
        context={
            "membership": membership,
            "network": membership.network,
            "school": membership.school,
            "me_path": reverse("me"),
        },
    )


def reconcile_automatic_memberships() -> tuple[int, int]:
    """Enrol everyone eligible for automatic networks and lapse those no longer eligible;
    pass school seats whose holder no longer leads the school. Returns (enrolled, lapsed).
    """
    lapsed_before = Membership.objects.filter(status=Membership.Status.LAPSED).count()
    enrolled = 0
    people = User.objects.filter(
        models.Q(posts__in=Post.objects.current())
        | models.Q(memberships__network__join_policy=Network.JoinPolicy.AUTOMATIC)
    ).distinct()
    for person in people.iterator():
        enrolled += len(sync_automatic_memberships(person=person))
    seat_schools = School.objects.filter(
        memberships__status__in=Membership.LIVE_STATUSES,
        memberships__network__basis=Network.Basis.SCHOOL,
    ).distinct()
    for school in seat_schools.iterator():
        enrolled += len(hand_over_school_seats(school=school))
    lapsed = Membership.objects.filter(status=Membership.Status.LAPSED).count() - lapsed_before
    return enrolled, lapsed


def _lapse(membership: Membership) -> None:
    before = membership.status
    membership.status = Membership.Status.LAPSED
    membership.ended_at = timezone.now()
    membership.save(update_fields=["status", "ended_at"])
    _audit_membership(
        membership,
        "membership.lapsed",
        "Lapsed: no longer eligible",
        by=None,
        changes=_status_change(before, membership.status),
    )
    if membership.person is not None:
        sync_admin_site_access(membership.person)


# Roles ----------------------------------------------------------------------


@transaction.atomic
def set_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Give an active member a role; administrators gain (or lose) the admin site with it.

    The person is emailed when their role changes. Setting the role they already
    have changes nothing and sends nothing.
    """
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("person", "network")
        .get(pk=membership.pk)
    )
    if role not in Membership.Role.values:
        raise ValidationError(f"{role!r} is not a role.")
    if not membership.is_active:
        raise ValidationError("Only active members can be given a role.")
    if membership.role == role:
        return membership
    previous = membership.get_role_display()
    membership.role = role
    membership.save(update_fields=["role"])
    _audit_membership(
        membership,
        "membership.role",
        f"Made {membership.get_role_display().lower()}",
        by=by,
        changes={"Role": [previous, membership.get_role_display()]},
    )
    sync_admin_site_access(membership.person)
    queue_templated_email(
        "networks/email/role_changed",
        to=[membership.person.email],
        context={"membership": membership, "network": membership.network, "previous": previous},
    )
    return membership


def sync_admin_site_access(person: User) -> None:
    """Open the admin site to people who administer a network, and close it when they stop.

    Site staff (superusers) keep it whatever their memberships.
    """
    if person.is_superuser:
        return
    administers = (
        Membership.objects.active()
        .filter(person=person, role=Membership.Role.ADMINISTRATOR)
        .exists()
    )
    if person.is_staff != administers:
        person.is_staff = administers
        person.save(update_fields=["is_staff"])


# Headship changes ----------------------------------------------------------

# Who holds a school's seat when several people lead it: these roles first,
# then the most recent appointment.
SEAT_ROLE_ORDER = {
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
            sitting.add(seat.person)
        if head and seat.person_id == head.pk:
            continue
        old_head = seat.person
        other_school = (
            None
            if old_head == leaving
            else _another_free_seat(old_head, seat.network, excluding=school)
        )
        if other_school:
            seat.school = other_school
            seat.save(update_fields=["school"])
        else:
            _lapse(seat)
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
    Post.objects.filter(school=school, seat_question=Post.SeatQuestion.ASKED).exclude(
        pk__in=asked
    ).update(seat_question=Post.SeatQuestion.NONE)
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
    """The administrators of the school-based networks in which the school holds a seat."""
    seated_in = Membership.objects.live().filter(school=school).values("network")
    return sorted(
        set(
            Membership.objects.active()
            .filter(
                role=Membership.Role.ADMINISTRATOR,
                network__in=seated_in,
                network__basis=Network.Basis.SCHOOL,
            )
            .values_list("person__email", flat=True)
        )
    )


def _another_free_seat(person: User, network: Network, *, excluding: School) -> School | None:
    """Another school the person leads that the network covers and that has no seat yet."""
    person = User.objects.with_posts().get(pk=person.pk)
    area_ids = {area.pk for area in network.areas.all()}
    for post in person.current_posts():
        if post.school_id == excluding.pk or not post.is_headship:
            continue
        if not post.is_verified or not network._post_qualifies(post, area_ids):
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


def follow_post_change(*, person: User, school: School) -> list[Membership]:
    """After a post is added, ends or is decided: the school's seats and the person's
    automatic networks. Returns the memberships it began."""
    seats = hand_over_school_seats(school=school)
    return seats + sync_automatic_memberships(person=person)


# Claimed posts ----------------------------------------------------------------


@transaction.atomic
def confirm_claim(*, post: Post, how: str, by: User) -> Post:
    """Verify a claimed post; the normal hand-over follows (seats pass to a new head where
    none leads the school by a verified headship; otherwise its sitting head is asked)."""
    post = members_services.verify_post(post=post, how=how, by=by)
    follow_post_change(person=post.person, school=post.school)
    post.refresh_from_db(fields=["seat_question"])
    return post


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


# Workhubs -------------------------------------------------------------------


@transaction.atomic
def join_workhub(*, person: User, workhub: Workhub) -> WorkhubMembership:
    """Join a workhub of this academic year, of a network the person is an active member of."""
    if workhub.is_past:
        raise ValidationError(
            f"The {workhub.name} workhub ran in {workhub.academic_year_label}; "
            "it is kept as a record and takes no new members."
        )
    if not workhub.network.memberships.active().filter(person=person).exists():
        raise ValidationError(f"Only members of {workhub.network.name} can join its workhubs.")
    membership, _ = WorkhubMembership.objects.get_or_create(workhub=workhub, person=person)
    return membership


@transaction.atomic
def leave_workhub(*, person: User, workhub: Workhub) -> None:
    """Leave a workhub of this academic year (an earlier year's is a record: it stays)."""
    if workhub.is_past:
        raise ValidationError(
            f"The {workhub.name} workhub of {workhub.academic_year_label} is a record now."
        )
    WorkhubMembership.objects.filter(workhub=workhub, person=person, is_lead=False).delete()


# Contact --------------------------------------------------------------------


def send_contact_message(
    *,
    network: Network,
    subject: str,
    message: str,
    sender_name: str,
    sender_email: str,
    sender: User | None = None,
) -> ContactMessage:
    """Store the message, then email it to the coordinators with the sender as Reply-To.

    Stored first and committed, so a mail server that is down loses nothing: the
    task is retried, and `send_unsent_contact_messages` picks up any left over.
    """
    contact = ContactMessage.objects.create(
        network=network,
        sender=sender if sender is not None and sender.is_authenticated else None,
        sender_name=sender_name.strip(),
        sender_email=sender_email.strip(),
        subject=subject.strip(),
        message=message.strip(),
    )
    deliver_contact_message.enqueue(contact_id=contact.pk, attempt=1)
    return contact
