"""Who came to a meeting: when a register is open, who may keep it, who may check in,
and which school a person came for (docs/rules.md, "Who came to a meeting").

Built on meetings.access (who may see a meeting) and networks.access (roles in a
network): the roles are not worked out again here.

- The window: from CHECK_IN_OPENS_BEFORE the start to the meeting's end. A code, a
  QR code and "Join the call" count only inside it.
- Keeping the register (marking who came, adding walk-ins, showing the code): the
  network's coordinators and administrators and site staff; a lead of the meeting's
  workhub, while an active member of the network and the workhub is this year's (as
  meetings.access lets them plan its meetings), for that workhub's meetings only.
- Checking in (a code, or joining the call): a signed-in person who may see the
  meeting and may attend it: an active member of the network, someone with a place
  (or on the waiting list), or anyone who may see a meeting that needs no registration.
  A walk-in added by a marker must be an active member of the network.
- The school on the row: the school of the person's current verified post, a headship
  before any other post, then the most recently started (one rule, so the participation
  report counts a head who also governs elsewhere for the school they lead).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from meetings import access as meeting_access
from meetings.access import MeetingAccess
from meetings.models import Meeting, Registration
from members.models import Post, School, User
from networks import access as network_access
from networks.access import NetworkAccess

# People arrive early, sign in at the door and find a seat: a code shown as they come
# in must already work. Half an hour before the start covers arriving and coffee
# without letting the code work the day before. The window closes when the meeting
# ends: after that, a missing name is a correction for the coordinator to confirm.
CHECK_IN_OPENS_BEFORE = datetime.timedelta(minutes=30)


def window(meeting: Meeting) -> tuple[datetime.datetime, datetime.datetime]:
    """When the meeting's code and "Join the call" count: opens and closes, inclusive."""
    return meeting.starts_at - CHECK_IN_OPENS_BEFORE, meeting.ends_at


def is_on(meeting: Meeting, at: datetime.datetime) -> bool:
    """Whether `at` falls in the meeting's window, for a published meeting."""
    opens, closes = window(meeting)
    return meeting.is_published and opens <= at <= closes


def register_is_open(meeting: Meeting, at: datetime.datetime | None = None) -> bool:
    """Whether a marker may record people now: a published meeting, from the window's
    opening onwards (a register kept after the meeting, from a paper list, is fine)."""
    opens, _closes = window(meeting)
    return meeting.is_published and (at or timezone.now()) >= opens


# Keeping the register ------------------------------------------------------------------


def can_mark(perms: NetworkAccess, meeting: Meeting, is_lead: bool) -> bool:
    """The network's coordinators, administrators and site staff; a lead of the
    meeting's workhub (`is_lead`) as they may plan its meetings (meetings.access: an
    active member of the network, while the workhub is this year's)."""
    if perms.can_coordinate:
        return True
    if meeting.workhub is None:
        return False
    return meeting_access.can_plan_for_workhub(perms, meeting.workhub, is_lead)


def leads_workhub_of(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """Whether the user leads the meeting's workhub (one query; none without a workhub)."""
    return meeting.workhub is not None and meeting_access.leads(user, meeting.workhub)


def may_mark(user: User | AnonymousUser, access: MeetingAccess) -> bool:
    """can_mark for the person and meeting in hand (a query only for a workhub's meeting
    seen by someone who does not coordinate)."""
    if access.perms.can_coordinate:
        return True
    return can_mark(access.perms, access.meeting, leads_workhub_of(user, access.meeting))


def get_meeting_to_mark(user: User | AnonymousUser, pk: int) -> MeetingAccess:
    """The meeting if the user may keep its register; 404 or 403 as for seeing it, and
    403 for those who see it but may not keep its register."""
    access = meeting_access.get_meeting_for_user(user, pk)
    if not may_mark(user, access):
        raise PermissionDenied(
            f"Only the coordinators of {access.meeting.network.label}"
            + (f" and the leads of {access.meeting.workhub.name}" if access.meeting.workhub else "")
            + " can keep this meeting's register."
        )
    return access


# Checking in ---------------------------------------------------------------------------


def may_attend(perms: NetworkAccess, meeting: Meeting, registration: Registration | None) -> bool:
    """Whether the person may be on the meeting's register: signed in, may see it, and an
    active member, registered (a place or the waiting list), or at a meeting that needs
    no registration."""
    if not perms.is_signed_in:
        return False
    if not meeting_access.may_see(meeting_access.viewer_in(perms), meeting):
        return False
    return perms.is_member or registration is not None or not meeting.registration_required


def may_check_in(access: MeetingAccess) -> bool:
    """may_attend, for the meeting and person in hand."""
    return may_attend(access.perms, access.meeting, access.registration)


def access_of(person: User, meeting: Meeting) -> MeetingAccess:
    """The person's access to the meeting (two queries: membership, live registration)."""
    return MeetingAccess(
        meeting=meeting,
        perms=network_access.for_network(person, meeting.network),
        registration=meeting.registrations.live().filter(person=person).first(),
    )


@dataclass(frozen=True)
class Refusal:
    """Why a code did not check someone in, in words for them."""

    message: str


def code_refusal(
    meeting: Meeting, at: datetime.datetime, for_meeting: Meeting | None = None
) -> Refusal | None:
    """Why the code of `meeting`, used at `at` (for `for_meeting`, when the person used a
    meeting's own page), does not count; None when it does."""
    if for_meeting is not None and for_meeting.pk != meeting.pk:
        return Refusal(
            f"This code is for another meeting, not {for_meeting.title}. "
            "Check the code shown where you are."
        )
    if not is_on(meeting, at):
        opens, _closes = window(meeting)
        return Refusal(
            "This code is for a meeting that is not on now. It works from "
            f"{timezone.localtime(opens):%H:%M on %-d %B} until the meeting ends at "
            f"{timezone.localtime(meeting.ends_at):%H:%M}."
        )
    return None


# The school on the row -----------------------------------------------------------------


def school_for(person: User, on: datetime.date | None = None) -> School | None:
    """The school of the person's current verified post: a headship first, then the most
    recently started (one query)."""
    post = (
        Post.objects.current(on)
        .verified()
        .filter(person=person)
        .select_related("school")
        .annotate(
            not_headship=Case(
                When(role__in=Post.HEAD_ROLES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("not_headship", "-started_on", "-pk")
        .first()
    )
    return post.school if post else None
