"""A person's part in the network's collective voice: what they can download, and what
closing their account leaves.

Open votes are theirs and in their download; a secret ballot carries no link to anyone,
so it is in nobody's. On closure every ballot stays (the counts must not change after
the fact), without the link to the person; what they started, decided or reported stays
with the network without them.
"""

from django.db import transaction

from core import pagecache
from members.models import User
from networks.models import network_scope

from .models import Ballot, Decision, Poll, Representative, VoteRecord

FORMER_MEMBER = "Former member"


def personal_data(person: User) -> dict[str, object]:
    """Their open votes (a secret ballot is not attributable) and their representative roles."""
    return {
        "open_votes": [
            {
                "poll": ballot.poll.title,
                "network": ballot.poll.network.name,
                "for_school": ballot.school.name if ballot.school else None,
                "position": ballot.get_position_display() if ballot.position else None,
                "choices": [choice.option.label for choice in ballot.choices.all()],
                "text": ballot.text,
            }
            for ballot in Ballot.objects.filter(person=person, poll__secret=False)
            .select_related("poll__network", "school")
            .prefetch_related("choices__option")
        ],
        "representing": [
            {"network": rep.network.name, "board": rep.board, "from": str(rep.term_starts_on)}
            for rep in Representative.objects.filter(person=person).select_related("network")
        ],
    }


@transaction.atomic
def forget_person(person: User) -> None:
    """Keep every ballot and vote record (the counts), each without the person."""
    Ballot.objects.filter(person=person).update(person=None)
    VoteRecord.objects.filter(person=person).update(person=None)
    Poll.objects.filter(created_by=person).update(created_by=None)
    Decision.objects.filter(recorded_by=person).update(recorded_by=None)
    represented = Representative.objects.filter(person=person)
    slugs = set(represented.values_list("network__slug", flat=True))
    represented.update(person=None, name=FORMER_MEMBER)
    if slugs:  # a network's page lists its representatives by name
        pagecache.invalidate(*map(network_scope, slugs))
