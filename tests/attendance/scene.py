"""Attendance objects for the permission matrix's scene (tests/test_url_matrix.py).

The scene's meeting (a members' meeting next week) gets its check-in code; an online
members' meeting next week is there to join. No persona is on a register: a code used
now is refused (the meeting is not on), and a marker's tap is refused until the
register opens, so each POST changes nothing whoever sends it.
"""

import datetime

from django.utils import timezone

from attendance import corrections, services
from meetings.models import Meeting
from members.models import User
from networks.models import Network
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


# Attendance for the permission matrix's scene (tests/test_url_matrix.py).
#
# `network` has a meeting that is over, with the colleague on its register (their
# certificate) and a correction waiting from someone who is none of the personas;
# `other_network` has a meeting that is over with a correction of its own waiting.
def records_scene(network: Network, other_network: Network, colleague) -> dict:
    past_meeting = factories.make_past_meeting(network=network, title="Last week's meeting")
    factories.make_attendance(meeting=past_meeting, person=colleague)
    asker = factories.make_head(email="asker@school.example")
    factories.make_membership(person=asker, network=network)
    other_past_meeting = factories.make_past_meeting(network=other_network)
    other_asker = factories.make_head(email="other.asker@school.example")
    factories.make_membership(person=other_asker, network=other_network)
    return {
        "past_meeting": past_meeting,
        "correction": corrections.ask_correction(
            meeting=past_meeting, person=asker, note="I was there"
        ),
        "other_correction": corrections.ask_correction(
            meeting=other_past_meeting, person=other_asker, note="So was I"
        ),
    }


# Attendance for the permission matrix's scene (tests/test_url_matrix.py).
#
# `network` (school-based there, the colleague's school holding its seat) gets a meeting
# held yesterday at which the colleague was on the register; `other_network` one of its own,
# whose register nobody of `network` is on. None of it is a persona's.
def participation_scene(network: Network, other_network: Network, colleague: User) -> dict:
    yesterday = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
    held = factories.make_meeting(network=network, title="Partnership meeting", starts_at=yesterday)
    other_held = factories.make_meeting(network=other_network, starts_at=yesterday)
    factories.make_attendance(meeting=held, person=colleague)
    factories.make_attendance(meeting=other_held, person=factories.make_head())
    return {"held_meeting": held, "other_held_meeting": other_held}
