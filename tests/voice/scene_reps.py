"""Representatives and reports for the permission matrix's scene (tests/test_url_matrix.py).

`network` has the colleague (a member, none of the personas) on the Schools Forum, with
a report back, and a past representative from outside Headnet; `other_network` has a
representative with a report of its own.
"""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from members.models import User
from networks.models import Network
from tests import factories


def representatives_scene(network: Network, other_network: Network, colleague: User) -> dict:
    today = timezone.localdate()
    representative = factories.make_representative(network=network, person=colleague)
    other_representative = factories.make_representative(network=other_network, name="Lee Away")
    return {
        "representative": representative,
        "past_representative": factories.make_representative(
            network=network,
            name="Jo Former",
            board="SACRE",
            term_starts_on=today - datetime.timedelta(days=800),
            term_ends_on=today - datetime.timedelta(days=30),
        ),
        "other_representative": other_representative,
        "report": factories.make_report(representative=representative),
        "other_report": factories.make_report(representative=other_representative),
        # The day a coordinator ends a term on, as the form takes it.
        "today": SimpleNamespace(text=today.isoformat()),
    }
