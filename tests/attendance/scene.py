"""Attendance for the permission matrix's scene (tests/test_url_matrix.py).

`network` (school-based there, the colleague's school holding its seat) gets a meeting
held yesterday at which the colleague was on the register; `other_network` one of its own,
whose register nobody of `network` is on. None of it is a persona's.
"""

import datetime

from django.utils import timezone

from members.models import User
from networks.models import Network
from tests import factories


def participation_scene(network: Network, other_network: Network, colleague: User) -> dict:
    yesterday = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
    held = factories.make_meeting(network=network, title="Partnership meeting", starts_at=yesterday)
    other_held = factories.make_meeting(network=other_network, starts_at=yesterday)
    factories.make_attendance(meeting=held, person=colleague)
    factories.make_attendance(meeting=other_held, person=factories.make_head())
    return {"held_meeting": held, "other_held_meeting": other_held}
