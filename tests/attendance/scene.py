"""Attendance for the permission matrix's scene (tests/test_url_matrix.py).

`network` has a meeting that is over, with the colleague on its register (their
certificate) and a correction waiting from someone who is none of the personas;
`other_network` has a meeting that is over with a correction of its own waiting.
"""

from attendance import corrections
from networks.models import Network
from tests import factories


def attendance_scene(network: Network, other_network: Network, colleague) -> dict:
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
