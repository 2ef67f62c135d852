"""Recording who came: a marker's tap, a walk-in, a check-in code, joining the call.

No request and no check of who is asking: callers decide who may keep a register
(attendance.rules.get_meeting_to_mark). What is checked here is the attendance itself:
the meeting is on (or was), the code is this meeting's and used in its window, and the
person may be on its register (rules.may_attend).

Every call is idempotent (a second tap, a second scan, a reload changes nothing and
records nothing twice), and each change is one audit event. One place per briefing: a
person recorded at one session of a briefing given in several places is taken off
any other session of it, since the place they came to is the one that counts.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from meetings.models import Meeting, MeetingSeries
from members.models import User
from networks.models import Membership

from . import registers, rules
from .models import Attendance, CheckInCode

# Codes are read off a screen across a room and typed on a phone: no 0/O or 1/I to
# confuse. 32 characters, 6 of them: about a billion codes, and one per meeting.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6

HOW_SUMMARY = {
    Attendance.How.MARKED: "Marked as came on the register",
    Attendance.How.WALK_IN: "Added to the register as a walk-in",
    Attendance.How.CODE: "Checked in with the meeting's code",
    Attendance.How.ONLINE: "Joined the call through Headnet",
}


def _audit(meeting: Meeting, action: str, summary: str, *, person: User, by: User | None) -> None:
    audit.record(
        obj=meeting,
        action=action,
        summary=summary,
        actor=by,
        subject=person,
        network_id=meeting.network_id,
        object_repr=f"{meeting.title} ({meeting.local_start:%d %b %Y})",
    )


def _other_sessions(meeting: Meeting) -> list[int]:
    """The ids of the other sessions of the briefing the meeting is a session of."""
    if meeting.series_id is None:
        return []
    return list(
        Meeting.objects.filter(
            series_id=meeting.series_id, series__rule=MeetingSeries.Rule.SESSIONS
        )
        .exclude(pk=meeting.pk)
        .values_list("pk", flat=True)
    )


def _record(
    *,
    meeting: Meeting,
    person: User,
    how: str,
    by: User | None,
    at: datetime.datetime | None = None,
) -> Attendance:
    """The person's attendance at the meeting: the one there is, or a new one (audited,
    and taking them off the briefing's other sessions)."""
    existing = Attendance.objects.filter(meeting=meeting, person=person).first()
    if existing is not None:
        return existing
    try:
        # The unique constraint decides a race between two taps (or a tap and a scan).
        with transaction.atomic():
            attendance = Attendance.objects.create(
                meeting=meeting,
                person=person,
                school=rules.school_for(person),
                how=how,
                recorded_by=by,
                recorded_at=at or timezone.now(),
            )
    except IntegrityError:
        return Attendance.objects.get(meeting=meeting, person=person)
    moved, _ = Attendance.objects.filter(
        person=person, meeting_id__in=_other_sessions(meeting)
    ).delete()
    summary = HOW_SUMMARY[Attendance.How(how)]
    if moved:
        summary += " (the place attended: taken off the briefing's other session)"
    _audit(meeting, "attendance.present", summary, person=person, by=by)
    return attendance


def _check_open(meeting: Meeting) -> None:
    if not rules.register_is_open(meeting):
        if not meeting.is_published:
            raise ValidationError(
                "Only a published meeting that has not been cancelled has a register."
            )
        opens, _closes = rules.window(meeting)
        raise ValidationError(
            f"The register opens at {timezone.localtime(opens):%H:%M on %-d %B}, "
            "half an hour before the meeting starts."
        )


@transaction.atomic
def mark_present(*, meeting: Meeting, person: User, by: User | None) -> Attendance:
    """A marker's "Came" for someone who may be on the register (one tap; idempotent)."""
    _check_open(meeting)
    # Narrower than checking oneself in: at a meeting open to anyone, a stranger may use
    # the code, but a marker names only the registered, the members and those on it.
    if not registers.markable_people(meeting).filter(pk=person.pk).exists():
        raise ValidationError(
            f"{person.get_full_name() or person.email} is not a member of "
            f"{meeting.network.label} and has no place at this meeting."
        )
    return _record(meeting=meeting, person=person, how=Attendance.How.MARKED, by=by)


@transaction.atomic
def mark_absent(*, meeting: Meeting, person: User, by: User | None) -> bool:
    """A marker's "Not here": takes the person off the register (one tap; idempotent).
    Whether they were on it."""
    _check_open(meeting)
    removed, _ = Attendance.objects.filter(meeting=meeting, person=person).delete()
    if removed:
        _audit(meeting, "attendance.absent", "Marked as not here", person=person, by=by)
    return bool(removed)


@transaction.atomic
def add_walk_in(*, meeting: Meeting, person: User, by: User | None) -> Attendance:
    """Someone who came without a place, picked from the network's active members."""
    _check_open(meeting)
    if not Membership.objects.active().filter(network=meeting.network, person=person).exists():
        raise ValidationError(f"Only members of {meeting.network.label} can be added as walk-ins.")
    return _record(meeting=meeting, person=person, how=Attendance.How.WALK_IN, by=by)


def normalise_code(code: str) -> str:
    """A code as typed: any case, with spaces or a dash in the middle."""
    return "".join(code.split()).replace("-", "").upper()


def code_for(meeting: Meeting) -> CheckInCode:
    """The meeting's check-in code, made on first need."""
    existing = CheckInCode.objects.filter(meeting=meeting).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return CheckInCode.objects.create(meeting=meeting, code=code)
        except IntegrityError:
            # Another request made this meeting's code first, or (rarely) the code is
            # another meeting's: take theirs, or draw again.
            existing = CheckInCode.objects.filter(meeting=meeting).first()
            if existing is not None:
                return existing
    raise RuntimeError("Could not draw an unused check-in code.")


@transaction.atomic
def check_in(
    *, person: User, code: str, at: datetime.datetime, meeting: Meeting | None = None
) -> Attendance:
    """The person checks in with a meeting's code (from its page, `meeting`, or from the
    check-in page, which finds the meeting by the code): the code must be that
    meeting's, used in its window, by someone who may be on its register."""
    row = (
        CheckInCode.objects.select_related("meeting__network", "meeting__workhub")
        .filter(code=normalise_code(code))
        .first()
    )
    if row is None:
        raise ValidationError(
            "No meeting has this code. Check it against the code shown at the meeting."
        )
    refusal = rules.code_refusal(row.meeting, at, for_meeting=meeting)
    if refusal is not None:
        raise ValidationError(refusal.message)
    if not rules.may_check_in(rules.access_of(person, row.meeting)):
        raise ValidationError(
            f"You are not on the list for {row.meeting.title}: it is for members of "
            f"{row.meeting.network.label} and people with a place. Ask the coordinator "
            "to add you to the register."
        )
    return _record(meeting=row.meeting, person=person, how=Attendance.How.CODE, by=person, at=at)


@transaction.atomic
def record_online_join(
    *, meeting: Meeting, person: User, at: datetime.datetime
) -> Attendance | None:
    """Joining the call through Headnet's link counts as attending, inside the window
    and for someone who may be on the register; otherwise nothing is recorded."""
    if not rules.is_on(meeting, at):
        return None
    if not rules.may_check_in(rules.access_of(person, meeting)):
        return None
    return _record(meeting=meeting, person=person, how=Attendance.How.ONLINE, by=person, at=at)
