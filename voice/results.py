"""When, and to whom, a poll's results are shown (docs/permissions.md, "Polls: results,
outcomes and decisions").

Nobody sees a count before the poll's own rule allows it, whatever their role:

- a closed poll: the members of its network, and site staff;
- an open poll whose results are shown after voting: each member once they have voted
  (their VoteRecord; for a school poll, the record of the school whose seat they hold);
- otherwise (an open poll shown when it closes, a draft): nobody.

The poll's starter, its network's coordinators and site staff get nothing more than any
member: a starter who could watch the count while others vote could steer it, so they
see it when everyone else may (or, like any voter, after voting in a poll shown after
voting). A poll is always fetched through its network: another network's is a 404, as
is a draft (it has nothing to count).
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from members.models import User
from networks import access as network_access
from networks.access import NetworkAccess

from . import access
from .models import Poll, VoteRecord


def _vote_lookup(
    poll: Poll, user: User | AnonymousUser, perms: NetworkAccess
) -> dict[str, object] | None:
    """The VoteRecord filter that says the person has voted in the poll, or None when they
    cannot have (not signed in; a school poll and they hold no seat)."""
    if not user.is_authenticated:
        return None
    if poll.voters == Poll.Voters.SCHOOLS:
        membership = perms.membership
        if membership is None or not membership.is_active or membership.school_id is None:
            return None
        return {"poll": poll, "school_id": membership.school_id}
    return {"poll": poll, "person": user, "school__isnull": True}


def has_voted(poll: Poll, user: User | AnonymousUser, perms: NetworkAccess) -> bool:
    """Whether the person (or, for a school poll, their seat's school) has voted: one query."""
    lookup = _vote_lookup(poll, user, perms)
    return lookup is not None and VoteRecord.objects.filter(**lookup).exists()


def may_see_results(poll: Poll, perms: NetworkAccess, voted: bool) -> bool:
    """The rule of this module's docstring, for a poll of perms' network: voice.access
    keeps it, so the poll's page and the results page agree."""
    return access.may_see_results(poll, access.PollAccess(perms=perms), voted)


def refusal(poll: Poll, perms: NetworkAccess) -> str:
    """Why the results are not shown, in words for the person refused."""
    if not perms.is_member:
        return f"Only members of {perms.network.name} can see the results of its polls."
    if poll.results_shown == Poll.ResultsShown.AFTER_VOTING:
        return "The results are shown to each voter once they have voted, and to every member when the poll closes."  # noqa: E501
    return "The results are shown when the poll closes."


@dataclass(frozen=True)
class PollAccess:
    """A poll of the network in hand and the person's access to that network."""

    poll: Poll
    perms: NetworkAccess


def get_poll(user: User | AnonymousUser, slug: str, pk: int) -> PollAccess:
    """A started (open or closed) poll of the network; 404 for a draft or another
    network's poll."""
    network = network_access.get_network(slug)
    poll = (
        Poll.objects.filter(network=network, pk=pk)
        .exclude(state=Poll.State.DRAFT)
        .select_related("created_by", "meeting")
        .first()
    )
    if poll is None:
        raise Http404("No such poll.")
    poll.network = network
    return PollAccess(poll=poll, perms=network_access.for_network(user, network))


def get_poll_results(user: User | AnonymousUser, slug: str, pk: int) -> PollAccess:
    """The poll if the person may see its results now; 403 (saying when they may) if not."""
    found = get_poll(user, slug, pk)
    voted = found.perms.is_member and has_voted(found.poll, user, found.perms)
    if not may_see_results(found.poll, found.perms, voted):
        raise PermissionDenied(refusal(found.poll, found.perms))
    return found
