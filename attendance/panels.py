"""The attendance panel on a meeting's page (meetings.panels): for people who keep the
register, links to it and to the code; for someone who may check in, "I'm here" during
the meeting's window, and what was recorded after."""

from django.utils import timezone

from meetings.access import MeetingAccess
from networks.sections import Section

from . import rules
from .forms import CheckInForm
from .models import Attendance


def attendance_panel(request, access: MeetingAccess) -> Section | None:
    meeting = access.meeting
    if not request.user.is_authenticated or not meeting.is_published:
        return None
    now = timezone.now()
    opens, _closes = rules.window(meeting)
    can_mark = rules.may_mark(request.user, access)
    # Nobody has come to a meeting whose window has not opened: no query for that.
    attendance = (
        Attendance.objects.filter(meeting=meeting, person=request.user).first()
        if now >= opens
        else None
    )
    can_check_in = attendance is None and rules.is_on(meeting, now) and rules.may_check_in(access)
    if not (can_mark or attendance or can_check_in):
        return None
    return Section(
        template="attendance/_meeting_panel.html",
        data={
            "meeting": meeting,
            "can_mark": can_mark,
            "attendance": attendance,
            "check_in_form": CheckInForm() if can_check_in else None,
            "opens": opens,
        },
        order=20,
    )
