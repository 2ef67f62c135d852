"""Polls for the permission matrix's scene (tests/test_url_matrix.py): their results,
closing, outcomes, meetings and decisions.

In `network`: an open poll shown when it closes, an open one shown after voting (the
scene's colleague has voted in both: no persona has), a closed proposal with its
decision, a closed meeting-time poll with two slots, and a draft; in `other_network`, a
closed poll for the crossed rows. None of them was started by a persona.
"""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from networks.models import Network
from tests import factories
from voice import decisions
from voice.models import Poll


def _slots(poll: Poll) -> Poll:
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=30)
    for number, option in enumerate(poll.options.all()):
        option.starts_at = start + datetime.timedelta(days=number)
        option.ends_at = option.starts_at + datetime.timedelta(hours=2)
        option.save()
    return poll


def results_scene(network: Network, other_network: Network, colleague) -> dict:
    open_poll = factories.make_poll_record(network=network, title="Open, shown at closing")
    voted_poll = factories.make_poll_record(
        network=network, title="Open, shown after voting", results_shown="after_voting"
    )
    closed_poll = factories.make_poll_record(network=network, title="Closed", state="closed")
    for poll in (open_poll, voted_poll, closed_poll):
        factories.cast_ballot(poll, person=colleague, position="agree", text="Yes")
    decisions.record_outcome(poll=closed_poll, statement="Agreed.", review_on=None, by=None)
    slots_poll = _slots(
        factories.make_poll_record(
            network=network,
            kind="meeting_time",
            title="When",
            state="closed",
            options=["Mon 16:00", "Tue 16:00"],
        )  # fmt: skip
    )
    factories.cast_ballot(slots_poll, person=colleague, answers={"Tue 16:00": "yes"})
    return {
        "results_open_poll": open_poll,
        "results_voted_poll": voted_poll,
        "results_closed_poll": closed_poll,
        "results_slots_poll": slots_poll,
        "results_draft_poll": factories.make_poll_record(
            network=network, title="Draft", state="draft"
        ),
        "results_other_poll": factories.make_poll_record(
            network=other_network, title="Else", state="closed"
        ),
        # A review date, as the outcome form takes it.
        "review_date": SimpleNamespace(
            text=f"{timezone.localdate() + datetime.timedelta(days=365):%Y-%m-%d}"
        ),
    }
