"""Corrections to a register: a person who was at a meeting but is not on its register
says so, and whoever may decide confirms it (which records their attendance) or declines
it with a reason. Both are audited and emailed to the person (docs/rules.md,
"Corrections, certificates and the CPD record").

The rules come first (who may ask, who may decide, and the lists each of them starts
from), then the services. The services check no permission: views ask the rules first.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import audit
from core.email import queue_templated_email
from meetings import access as meeting_access
from meetings.access import MeetingAccess
from meetings.models import Meeting, MeetingSeries, Registration
from members.models import Post, User
from networks import access as network_access
from networks.access import NetworkAccess
from networks.models import Network, Workhub, WorkhubMembership

from . import rules
from .models import Attendance, Correction

NOTE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 500

# Who may ask ----------------------------------------------------------------------


def briefing_of(meeting: Meeting) -> Q:
    """The meeting and, for a briefing given in several places, its other sessions: a
    person attends a briefing once, at the place they came to (rule SESSIONS)."""
    series = meeting.series if meeting.series_id else None
    if series is not None and series.rule == MeetingSeries.Rule.SESSIONS:
        return Q(meeting__series_id=series.pk)
    return Q(meeting_id=meeting.pk)


def is_on_register(person: User, meeting: Meeting) -> bool:
    """Whether the person is recorded at the meeting (or at another place of its briefing)."""
    return Attendance.objects.filter(briefing_of(meeting), person=person).exists()


def waiting_correction(person: User, meeting: Meeting) -> Correction | None:
    """The person's correction about the meeting still waiting for a decision, if any."""
    return Correction.objects.filter(
        meeting=meeting, person=person, state=Correction.State.WAITING
    ).first()


def may_ask_correction(access: MeetingAccess, *, on_register: bool) -> bool:
    """Someone who could be at the meeting (a member of its network, or registered for it)
    and is not on its register, once it has started; never for a cancelled meeting."""
    meeting = access.meeting
    could_come = access.perms.is_member or access.registration is not None
    return (
        access.perms.is_signed_in
        and meeting.is_published
        and meeting.starts_at <= timezone.now()
        and could_come
        and not on_register
    )


def get_meeting_to_ask_about(user: User | AnonymousUser, pk: int) -> MeetingAccess:
    """The meeting, if the user may tell its coordinators they were there; 404 or 403
    (as for the meeting itself) to those who may not see it, 403 to the others."""
    access = meeting_access.get_meeting_for_user(user, pk)
    if not isinstance(user, User) or not may_ask_correction(
        access, on_register=is_on_register(user, access.meeting)
    ):
        raise PermissionDenied(
            "You can say you were at a meeting once it has started, if you are a member of "
            "its network or had a place, and are not on its register."
        )
    return access


# Who may decide -------------------------------------------------------------------


def _led_workhubs(user: User, perms: NetworkAccess) -> list[Workhub]:
    """The network's workhubs the user leads and may plan for (meetings.access's rule:
    an active member leading this year's workhub)."""
    leading = Workhub.objects.filter(
        network=perms.network,
        pk__in=WorkhubMembership.objects.filter(person=user, is_lead=True).values("workhub"),
    )
    return [
        workhub
        for workhub in leading
        if meeting_access.can_plan_for_workhub(perms, workhub, is_lead=True)
    ]


def may_decide_corrections(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """The network's coordinators and administrators, site staff, and the leads of the
    meeting's workhub (as they may plan its meetings)."""
    if not user.is_authenticated:
        return False
    perms = network_access.for_network(user, meeting.network)
    if perms.can_coordinate:
        return True
    workhub = meeting.workhub if meeting.workhub_id else None
    if workhub is None:
        return False
    return meeting_access.can_plan_for_workhub(
        perms, workhub, is_lead=meeting_access.leads(user, workhub)
    )


@dataclass(frozen=True)
class CorrectionsDesk:
    """The corrections one person may decide in one network: all of them for its
    coordinators, those about their workhubs' meetings for workhub leads."""

    perms: NetworkAccess
    workhubs: list[Workhub] | None  # None: every meeting of the network

    @property
    def network(self) -> Network:
        return self.perms.network

    def corrections(self) -> QuerySet[Correction]:
        """The corrections they may decide (any state), with what the list shows."""
        mine = Correction.objects.filter(meeting__network=self.perms.network)
        if self.workhubs is not None:
            mine = mine.filter(meeting__workhub__in=self.workhubs)
        had_a_place = Registration.objects.filter(
            meeting=OuterRef("meeting"), person=OuterRef("person"), status=Registration.Status.GOING
        )
        return (
            mine.select_related("meeting", "person", "decided_by")
            .prefetch_related(
                Prefetch("person__posts", queryset=Post.objects.select_related("school"))
            )
            .annotate(had_a_place=Exists(had_a_place))
        )

    def waiting(self) -> QuerySet[Correction]:
        return self.corrections().filter(state=Correction.State.WAITING).order_by("created_at")

    def decided(self, limit: int = 20) -> list[Correction]:
        return list(
            self.corrections()
            .exclude(state=Correction.State.WAITING)
            .order_by("-decided_at", "-pk")[:limit]
        )


def get_corrections_desk(user: User | AnonymousUser, slug: str) -> CorrectionsDesk:
    """The user's corrections to decide in the network; 403 to anyone who decides none."""
    perms = network_access.for_network(user, network_access.get_network(slug))
    if perms.can_coordinate:
        return CorrectionsDesk(perms=perms, workhubs=None)
    workhubs = _led_workhubs(user, perms) if isinstance(user, User) else []
    if workhubs:
        return CorrectionsDesk(perms=perms, workhubs=workhubs)
    raise PermissionDenied(
        f"Only coordinators of {perms.network.name} (and its workhubs' leads) decide "
        "corrections to its registers."
    )


def get_correction_to_decide(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[CorrectionsDesk, Correction]:
    """A correction the user may decide, fetched through the network (another network's
    or another workhub's is a 404), with their desk; 403 to anyone who decides none."""
    desk = get_corrections_desk(user, slug)
    return desk, get_object_or_404(desk.corrections(), pk=pk)


def waiting_count(network_id: int) -> int:
    """Corrections waiting in the network (the office's waiting work)."""
    return Correction.objects.filter(
        meeting__network_id=network_id, state=Correction.State.WAITING
    ).count()


# Services -------------------------------------------------------------------------


def _describe(meeting: Meeting) -> str:
    return f"{meeting.title} ({meeting.local_start:%d %b %Y})"


def _audit(correction: Correction, action: str, summary: str, by: User | None) -> None:
    audit.record(
        obj=correction,
        action=action,
        summary=summary,
        actor=by,
        subject=correction.person,
        network_id=correction.meeting.network_id,
        object_repr=f"Correction to the register of {_describe(correction.meeting)}",
    )


@transaction.atomic
def ask_correction(*, meeting: Meeting, person: User, note: str) -> Correction:
    """Tell the meeting's coordinators the person was there; a second ask while one is
    waiting returns the first (a double click, two tabs)."""
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(f"Keep the note under {NOTE_MAX_LENGTH} characters.")
    if is_on_register(person, meeting):
        raise ValidationError("You are already on the register of this meeting.")
    existing = waiting_correction(person, meeting)
    if existing is not None:
        return existing
    try:
        # The savepoint lets the constraint decide a race between two asks.
        with transaction.atomic():
            correction = Correction.objects.create(meeting=meeting, person=person, note=note)
    except IntegrityError:
        existing = waiting_correction(person, meeting)
        if existing is None:
            raise
        return existing
    _audit(correction, "attendance.correction_asked", "Said they were at the meeting", person)
    return correction


def _locked_waiting(correction: Correction) -> Correction | None:
    """The correction, locked, if it still waits (None once someone has decided it)."""
    locked = (
        Correction.objects.select_for_update(of=("self",))
        .select_related("meeting__network", "person")
        .get(pk=correction.pk)
    )
    return locked if locked.state == Correction.State.WAITING else None


def _email(correction: Correction, template: str) -> None:
    queue_templated_email(
        f"attendance/email/{template}",
        to=[correction.person.email],
        context={
            "correction": correction,
            "meeting": correction.meeting,
            "network": correction.meeting.network,
        },
    )


@transaction.atomic
def confirm_correction(*, correction: Correction, by: User) -> Correction:
    """Put the person on the register (for the school of their post) and tell them. A
    correction someone has already decided is returned as it stands."""
    locked = _locked_waiting(correction)
    if locked is None:
        return Correction.objects.get(pk=correction.pk)
    if not locked.meeting.is_published:
        # Asked before the meeting was called off: a cancelled meeting has no register.
        raise ValidationError("The meeting was cancelled: it has no register to add them to.")
    person = locked.person
    # Recorded meanwhile (by the register, or another place of the briefing): nothing to add.
    if not is_on_register(person, locked.meeting):
        Attendance.objects.get_or_create(
            meeting=locked.meeting,
            person=person,
            defaults={
                "how": Attendance.How.CORRECTION,
                # The one rule of the school on the row, as the register records it.
                "school": rules.school_for(person),
                "recorded_by": by,
            },
        )
    locked.state = Correction.State.CONFIRMED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_by", "decided_at"])
    _audit(locked, "attendance.correction_confirmed", "Confirmed: added to the register", by)
    _email(locked, "correction_confirmed")
    return locked


@transaction.atomic
def decline_correction(*, correction: Correction, by: User, reason: str) -> Correction:
    """Decline with a reason the person is sent. A correction someone has already decided
    is returned as it stands."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why, for the person who asked.")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(f"Keep the reason under {REASON_MAX_LENGTH} characters.")
    locked = _locked_waiting(correction)
    if locked is None:
        return Correction.objects.get(pk=correction.pk)
    locked.state = Correction.State.DECLINED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decline_reason = reason
    locked.save(update_fields=["state", "decided_by", "decided_at", "decline_reason"])
    _audit(locked, "attendance.correction_declined", "Declined: not added to the register", by)
    _email(locked, "correction_declined")
    return locked
