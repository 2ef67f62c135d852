"""A membership's life: how one begins (the database settles races), how it ends, its
role, and the audit of each change."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core.email import queue_templated_email
from members.models import School, User

from ..models import Membership, Network, WorkhubMembership


def _audit_membership(
    membership: Membership,
    action: str,
    summary: str,
    *,
    by: User | None,
    changes: audit.Changes,
) -> None:
    """Record a change to a membership; the person's name goes in `subject` only."""
    network = membership.network
    where = f" ({membership.school.name})" if membership.school is not None else ""
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


def _status_change(before: str, after: str) -> audit.Changes:
    return {"Status": [Membership.Status(before).label, Membership.Status(after).label]}


def _live_membership(person: User, network: Network) -> Membership | None:
    return Membership.objects.live().filter(person=person, network=network).first()


def _create_live(
    *,
    person: User,
    network: Network,
    school: School | None,
    status: str,
    started_at: datetime.datetime | None = None,
) -> tuple[Membership, bool]:
    """Create a live membership unless one exists; the database constraints decide races.

    The person's own live membership, made a moment ago (a double click, two tabs), is
    returned. The school's seat, taken a moment ago by another of its heads, is a
    ValidationError saying so. Any other conflict is a real error.
    """
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                person=person, network=network, school=school, status=status, started_at=started_at
            )
            return membership, True
    except IntegrityError:
        existing = _live_membership(person, network)
        if existing is not None:
            return existing, False
        seat = _live_seat(network, school)
        if seat is None or school is None:
            raise
        holder = seat.holder.get_full_name() or "another of its heads"
        raise ValidationError(
            f"{school.name}'s seat in {network.label} was taken a moment ago by "
            f"{holder}: a school holds one seat, so you have not joined."
        ) from None


def _live_seat(network: Network, school: School | None) -> Membership | None:
    if school is None:
        return None
    return (
        Membership.objects.live()
        .filter(network=network, school=school)
        .select_related("person", "network", "school")
        .first()
    )


# How each ending is recorded: the audit action and what the history says by default.
ENDINGS: dict[str, tuple[str, str]] = {
    Membership.Status.LEFT: ("membership.left", "Left"),
    Membership.Status.DECLINED: ("membership.declined", "Request declined"),
    Membership.Status.LAPSED: ("membership.lapsed", "Lapsed: no longer eligible"),
    Membership.Status.REMOVED: ("membership.removed", "Removed by an administrator"),
}


@transaction.atomic
def end_membership(
    *,
    membership: Membership,
    status: str,
    by: User | None,
    reason: str = "",
    summary: str = "",
) -> Membership:
    """End a live membership: the one way one ends (docs/rules.md, "How a membership ends").

    `status`: left (the person leaves or withdraws their request), declined (an
    administrator declines the request; `reason` is kept and shown to the person),
    lapsed (no longer eligible, or the school's seat passed on) or removed (by an
    administrator). The row stays as a record. Whatever the way, the person leaves the
    network's workhubs (so its workhub meetings leave their schedule and feed), their
    admin site access follows their roles, and the change is audited. `by` None: Headnet
    did it. Emailing the person is the caller's: what to say depends on the way.
    """
    if status not in ENDINGS:
        raise ValueError(f"{status!r} is not a way for a membership to end.")
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("person", "network", "school")
        .get(pk=membership.pk)
    )
    if not membership.is_live:
        raise ValidationError("This membership has already ended.")
    if status == Membership.Status.DECLINED and not membership.is_pending:
        raise ValidationError("This request has already been decided.")
    before, now = membership.status, timezone.now()
    membership.status, membership.ended_at = status, now
    fields = ["status", "ended_at"]
    if status == Membership.Status.DECLINED:
        membership.decided_by, membership.decided_at = by, now
        membership.decline_reason = reason.strip()
        fields += ["decided_by", "decided_at", "decline_reason"]
    membership.save(update_fields=fields)
    changes = _status_change(before, status)
    if reason.strip():
        changes["Reason"] = ["", reason.strip()]
    action, default_summary = ENDINGS[status]
    _audit_membership(membership, action, summary or default_summary, by=by, changes=changes)
    # Workhubs belong to the network: a member's place in them ends with the membership.
    WorkhubMembership.objects.filter(
        person=membership.person, workhub__network=membership.network
    ).delete()
    sync_admin_site_access(membership.holder)
    return membership


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
    sync_admin_site_access(membership.holder)
    queue_templated_email(
        "networks/email/role_changed",
        to=[membership.holder.email],
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
