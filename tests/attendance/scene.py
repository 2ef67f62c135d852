"""Attendance objects for the permission matrix's scene (tests/test_url_matrix.py).

The scene's meeting (a members' meeting next week) gets its check-in code; an online
members' meeting next week is there to join. No persona is on a register: a code used
now is refused (the meeting is not on), and a marker's tap is refused until the
register opens, so each POST changes nothing whoever sends it.
"""

from attendance import services
from meetings.models import Meeting
from tests import factories


def attendance_scene(network, meeting) -> dict:
    return {
        "meeting_code": services.code_for(meeting),
        "online_meeting": factories.make_meeting(
            network=network,
            title="Online network call",
            format=Meeting.Format.ONLINE,
            online_url="https://meet.example/network-call",
            venue_address="",
        ),
    }
