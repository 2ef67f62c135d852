"""The meeting page's panel for a person's own attendance: their certificate once the
meeting is over, or, if they are not on its register, a way to say they were there."""

from django.http import HttpRequest
from django.utils import timezone

from meetings.access import MeetingAccess
from networks.sections import Section

from . import corrections
from .models import Attendance


def own_attendance_panel(request: HttpRequest, access: MeetingAccess) -> Section | None:
    """Nothing before the meeting starts (and no query); then at most two queries."""
    meeting = access.meeting
    user = request.user
    if not user.is_authenticated or meeting.starts_at > timezone.now():
        return None
    # One query: the places of the briefing (or just this meeting) they are recorded at.
    recorded_at = set(
        Attendance.objects.filter(corrections.briefing_of(meeting), person=user).values_list(
            "meeting_id", flat=True
        )
    )
    if meeting.pk in recorded_at:
        return Section(
            template="attendance/_own_attendance_panel.html",
            data={"meeting": meeting, "attended": True, "ended": meeting.is_past},
            order=20,
        )
    if not corrections.may_ask_correction(access, on_register=bool(recorded_at)):
        return None
    return Section(
        template="attendance/_own_attendance_panel.html",
        data={
            "meeting": meeting,
            "attended": False,
            "waiting": corrections.waiting_correction(user, meeting),
        },
        order=20,
    )
