"""Who may start, see and vote in a network's polls. Views and the voting service ask here.

Starting (and editing a draft, opening it): the network's coordinators and administrators,
and site staff. A sub-group's poll is on the sub-group's own network, so it is the
sub-group's coordinators who start it and its members who see and vote in it.

Seeing: the network's active members (its coordinators among them) and site staff see its
open and closed polls; a draft is its starters' only, a 404 to anyone else. The rule is
written once, as a condition (`visible_q`) that the list uses, and `may_see` is the same rule
in Python for the poll in hand (a test holds them equal).

Voting (`right_to_vote`): in a poll of every member, each active member votes once. In a
poll of one vote per member school, the head holding the school's seat (an active
membership with the school) votes for the school, once for the school, whoever holds the
seat when they vote. Site staff see polls but vote in none; a lapsed or removed member, an
outsider, and a member without a seat in a school poll are refused.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from core import pagecache
from core.prepared import Prepared
from members.models import School, User
from networks import access as network_access
from networks.access import NetworkAccess
from networks.models import Membership, Network, network_scope

from .models import Poll, VoteRecord

SEEN_STATES = (Poll.State.OPEN, Poll.State.CLOSED)


@dataclass(frozen=True)
class PollAccess:
    """What one person may do with one network's polls."""

    perms: NetworkAccess

    @property
    def network(self) -> Network:
        return self.perms.network

    @property
    def can_start(self) -> bool:
        """Start a poll, edit and open a draft: coordinators, administrators, site staff."""
        return self.perms.can_coordinate

    @property
    def can_see(self) -> bool:
        """The list and every open or closed poll: active members and site staff."""
        return self.perms.is_member

    def may_see(self, poll: Poll) -> bool:
        """visible_q for one poll of this network in hand, without a query."""
        if poll.state in SEEN_STATES:
            return self.can_see or self.can_start
        return self.can_start


def visible_q(access: PollAccess) -> Q:
    """The polls of the network the person may see (the caller starts from the network's)."""
    if access.can_start:
        return Q()
    if access.can_see:
        return Q(state__in=SEEN_STATES)
    return Q(pk__in=[])


def for_network(user: User | AnonymousUser, network: Network) -> PollAccess:
    return PollAccess(perms=network_access.for_network(user, network))


def get_polls(user: User | AnonymousUser, slug: str) -> PollAccess:
    """The person's access if they may see the network's polls; 403 otherwise."""
    access = for_network(user, network_access.get_network(slug))
    if not access.can_see:
        raise PermissionDenied(f"Only members of {access.network.name} can see its polls.")
    return access


def get_access_to_start(user: User | AnonymousUser, slug: str) -> PollAccess:
    """The person's access if they may start a poll in the network; 403 otherwise."""
    access = for_network(user, network_access.get_network(slug))
    if not access.can_start:
        raise PermissionDenied(f"Only the coordinators of {access.network.name} can start a poll.")
    return access


# Where a kept poll holds its parts of the page, written (written_parts).
WRITTEN = "written_parts"


def written_parts(poll: Poll) -> dict[str, SafeString]:
    """The poll page's trail and summary (the poll, its kind, state, closing, options),
    as _kept_poll wrote them with the poll: the same for everyone who may see it."""
    parts: dict[str, SafeString] = vars(poll)[WRITTEN]
    return parts


def _kept_poll(slug: str, pk: int) -> Poll:
    """The poll with its network and options, the same for everyone: kept while the
    network's scope is unchanged (every write to a poll, its options or its network
    replaces its version), so a page asks the database only about the person. A draft is
    kept too: who may see it is asked of each person, after."""

    def build() -> Poll:
        # The network comes with its poll (one query; no such network is a 404 too), and
        # its options into poll.options.all().
        found = (
            Poll.objects.select_related("network__parent")
            .prefetch_related("options")
            .filter(network__slug=slug, pk=pk)
            .first()
        )
        if found is None:  # nothing kept
            raise Http404("No such poll.")
        # Its trail and summary, written once for everyone (nothing of the person's).
        parts = {"poll": found, "network": found.network, "options": list(found.options.all())}
        vars(found)[WRITTEN] = {
            name: render_to_string(f"voice/poll_detail.html#{name}", parts)
            for name in ("trail", "summary")
        }
        return found

    return pagecache.kept(f"voice:poll-written:{slug}:{pk}", [network_scope(slug)], build)


def _voter_query(person_id: int, network_id: int, poll_id: int) -> QuerySet[Membership]:
    # One row at most: one live membership a person and network (networks_membership_one_live).
    # Whether they voted, as themselves and for their seat's school (VoteRecord.of_voter).
    return (
        Membership.objects.live()
        .filter(person_id=person_id, network_id=network_id)
        .annotate(
            voted_as_person=Exists(VoteRecord.of_voter(poll_id, OuterRef("person_id"), None)),
            voted_for_school=Exists(
                VoteRecord.of_voter(poll_id, OuterRef("person_id"), OuterRef("school_id"))
            ),
        )[:1]
    )


# Asked on every visit of a poll's page: compiled once (core.prepared).
_VOTER = Prepared(Membership, _voter_query, arity=3)


def voted_on(membership: Membership | None, poll: Poll, school: School | None) -> bool | None:
    """Whether the person voted in the poll (as themselves, or for `school`, their seat's),
    from their membership as get_poll_for_user read it with the poll's page; None if it
    was not read so (for another poll, or otherwise)."""
    if membership is None or vars(membership).get("voted_in") != poll.pk:
        return None
    read = vars(membership)
    if school is not None:
        return bool(read["voted_for_school"]) if school.pk == membership.school_id else None
    return bool(read["voted_as_person"])


def get_poll_for_user(user: User | AnonymousUser, slug: str, pk: int) -> tuple[Poll, PollAccess]:
    """The poll and the person's access: 404 for another network's poll, or for a draft
    they may not start; 403 for an open or closed one to someone who is not a member.
    The person's live membership is read afresh, with whether they voted in it (one
    query, compiled once)."""
    poll = _kept_poll(slug, pk)
    membership = network_access.membership_of(
        user, poll.network, lambda person_id, network_id: _VOTER.first(person_id, network_id, pk)
    )
    if membership is not None:
        vars(membership)["voted_in"] = poll.pk  # what its voted_* annotations are of
    access = PollAccess(perms=network_access.with_membership(user, poll.network, membership))
    if poll.state == Poll.State.DRAFT and not access.can_start:
        raise Http404("No such poll.")
    if not access.may_see(poll):
        raise PermissionDenied(f"Only members of {access.network.name} can see its polls.")
    return poll, access


def get_poll_to_start(user: User | AnonymousUser, slug: str, pk: int) -> tuple[Poll, PollAccess]:
    """The poll, if the person may edit or open it (its network's starters); 403 otherwise."""
    poll, access = get_poll_for_user(user, slug, pk)
    if not access.can_start:
        raise PermissionDenied(f"Only the coordinators of {access.network.name} can do this.")
    return poll, access


# Voting -------------------------------------------------------------------------


@dataclass(frozen=True)
class VotingRight:
    """Whether a person may vote in a poll and, in a poll of schools, for which school."""

    school: School | None = None
    refusal: str = ""

    @property
    def may_vote(self) -> bool:
        return not self.refusal


def voting_memberships(poll: Poll, person: User) -> QuerySet[Membership]:
    """The person's live membership of the poll's network: the one row right_to_vote reads
    (the voting service locks it, so a seat cannot pass on while its holder votes)."""
    return Membership.objects.live().filter(person=person, network_id=poll.network_id)


def right_to_vote(poll: Poll, membership: Membership | None) -> VotingRight:
    """The right the membership gives in the poll (None: the person has no membership)."""
    name = poll.network.name
    if poll.voters == Poll.Voters.SCHOOLS:
        if membership is None or not membership.is_active or membership.school_id is None:
            return VotingRight(
                refusal=f"Only the head holding a member school's seat in {name} votes in this "
                "poll, once for their school."
            )
        return VotingRight(school=membership.school)
    if membership is None or not membership.is_active:
        return VotingRight(refusal=f"Only active members of {name} vote in this poll.")
    return VotingRight()


def right_of(user: User | AnonymousUser, poll: Poll, access: PollAccess) -> VotingRight:
    """right_to_vote for the person viewing the page, from the membership their access
    already holds (no query but the seat's school, in a poll of schools)."""
    if not user.is_authenticated:
        return VotingRight(refusal="Sign in to vote.")
    return right_to_vote(poll, access.perms.membership)


def may_see_results(poll: Poll, access: PollAccess, voted: bool) -> bool:
    """Whether the person sees the poll's results: once it has closed, everyone who may see
    the poll; before, only someone who has voted, if the starter chose to show them then."""
    if not access.may_see(poll) or poll.state == Poll.State.DRAFT:
        return False
    if poll.state == Poll.State.CLOSED:
        return True
    return poll.results_shown == Poll.ResultsShown.AFTER_VOTING and voted
