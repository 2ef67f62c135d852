"""Polls for the permission matrix's scene (tests/test_url_matrix.py).

`network` (school-based in the scene, the colleague holding their school's seat) has an
open poll of every member, an open secret poll of one vote per school, a closed poll and
a draft; `other_network` has an open poll of its own. None was started by a persona.
"""

from networks.models import Network
from tests import factories
from voice.models import Poll


def polls_scene(network: Network, other_network: Network) -> dict:
    members_poll = factories.make_poll(network=network, title="Spring conference day")
    return {
        "members_poll": members_poll,
        "members_poll_option": members_poll.options.first(),
        "school_poll": factories.make_poll(
            network=network,
            kind=Poll.Kind.PROPOSAL,
            title="Merge with the county network?",
            voters=Poll.Voters.SCHOOLS,
            secret=True,
        ),  # fmt: skip
        "closed_poll": factories.make_poll(
            network=network, title="Last year's venue", state=Poll.State.CLOSED
        ),
        "draft_poll": factories.make_poll(
            network=network, title="Not open yet", state=Poll.State.DRAFT
        ),
        "other_poll": factories.make_poll(network=other_network, title="Elsewhere's poll"),
    }
