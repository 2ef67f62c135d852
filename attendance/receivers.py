"""What attendance does when meetings says someone joined a call through Headnet's link.

meetings sits on a lower floor and may not import this app, hence the signal
(meetings.signals.meeting_joined); the rule of what counts is services.record_online_join.
"""

import datetime
from typing import Any

from django.dispatch import receiver

from meetings.models import Meeting
from meetings.signals import meeting_joined
from members.models import User

from . import services


@receiver(meeting_joined, dispatch_uid="attendance.record_online_join")
def record_online_join(
    sender: type[Meeting], *, meeting: Meeting, person: User, at: datetime.datetime, **kwargs: Any
) -> None:
    services.record_online_join(meeting=meeting, person=person, at=at)
