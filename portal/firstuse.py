"""What a person sees in their first steps: what a new post changed, which networks to
join next. Reads only; the workflows are in portal.services and networks.services."""

import datetime
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from core import pagecache
from meetings import schedule
from members.models import Post, User, address_scope, person_scope
from networks import eligibility
from networks.annual_fee import annual_fee
from networks.models import (
    MEMBERSHIPS_SCOPE,
    NETWORKS_SCOPE,
    Invitation,
    Membership,
    Network,
)


@dataclass
class PostOutcome:
    """What adding a post did, in words the person reads at once."""

    joined: list[Membership] = field(default_factory=list)
    waiting_for: list[Network] = field(default_factory=list)
    confirmers: str = ""

    def messages(self, post: Post) -> list[str]:
        lines = [_joined_sentence(membership) for membership in self.joined]
        if not post.is_verified:
            lines.append(self._waiting_sentence(post))
        return lines

    def _waiting_sentence(self, post: Post) -> str:
        sentence = (
            f"Your post at {post.school.name} is waiting for confirmation by {self.confirmers}. "
        )
        if self.waiting_for:
            names = ", ".join(network.label for network in self.waiting_for)
            sentence += (
                f"Once it is confirmed you will be a member of {names} automatically, and we "
                "will email you. "
            )
        return sentence + (
            "Until then it counts only for networks open to anyone with the post; "
            "nothing else is needed from you."
        )


def _joined_sentence(membership: Membership) -> str:
    network = membership.network
    sentence = f"You are now a member of {network.display_name}"
    if membership.school:
        sentence += f": {membership.school.name} is the member school and you hold its seat"
    if membership.school and (fee := annual_fee(network, membership.school)):
        sentence += f"; your school's annual fee is {fee}"
    return sentence + ". We have emailed you a welcome."


def post_outcome(person: User, post: Post, *, since: datetime.datetime) -> PostOutcome:
    """The memberships that began from `since` (when the post was added), and for a claim,
    who is asked to confirm it and what it will bring once confirmed."""
    joined = list(
        Membership.objects.active()
        .filter(person=person, started_at__gte=since)
        .select_related("network", "school")
        .order_by("network__name")
    )
    outcome = PostOutcome(joined=joined)
    if post.is_verified:
        return outcome
    asked = (
        Post.objects.current()
        .verified()
        .headships()
        .filter(school=post.school)
        .exclude(person=person)
        .exists()
    )
    outcome.confirmers = (
        "the school's head (we have emailed them)"
        if asked
        else "an administrator of one of the school's networks, or Headnet's staff"
    )
    person = User.objects.with_posts().get(pk=person.pk)
    member_of = set(
        Membership.objects.live().filter(person=person).values_list("network", flat=True)
    )
    automatic = (
        Network.objects.filter(join_policy=Network.JoinPolicy.AUTOMATIC)
        .exclude(pk__in=member_of)
        .prefetch_related("areas")
    )
    # A seat its verified head holds does not come with the confirmation (it passes only
    # by a decision), so only networks whose seat is free are promised.
    outcome.waiting_for = [
        network
        for network in automatic
        if eligibility.eligibility_for(
            network, person, check_seat=network.is_school_based, count_claims=True
        )
    ]
    return outcome


def suggested_networks(person: User, memberships: list[Membership]) -> list[Network]:
    """Networks the person could join now (or ask to): sub-groups of their networks, and the
    rest by the rules. `person` comes with posts prefetched; `memberships` are their live
    ones. A fixed number of queries, whatever the number of networks."""
    joined = {membership.network_id for membership in memberships}
    member_of = {membership.network_id for membership in memberships if membership.is_active}
    area_ids = {post.school.local_authority_id for post in person.current_posts()}
    candidates = (
        Network.objects.within_reach(area_ids, member_of)
        .exclude(join_policy=Network.JoinPolicy.INVITATION)
        .exclude(pk__in=joined)
        .select_related("parent")
        .prefetch_related("areas")
    )
    # Sub-groups are suggested to members of their parent; the rest by the rules
    # (without the seat check, which would cost a query a network).
    return [
        network
        for network in candidates
        if (
            network.parent_id in member_of
            if network.requires_parent_membership
            else eligibility.eligibility_for(network, person, check_seat=False)
        )
    ]


def kept_suggestions(person: User, memberships: list[Membership]) -> SafeString:
    """suggested_networks, written (the home page's "Networks you can join"), kept for
    the person for the day (posts begin and end on a day) under the scopes of what the
    rules read: networks and their areas, memberships, and the person's posts and their
    schools (the site's scope: members' models name none)."""
    key = f"portal:suggestions-written:{person.pk}:{timezone.localdate().isoformat()}"
    return pagecache.kept(
        key,
        [NETWORKS_SCOPE, MEMBERSHIPS_SCOPE],
        lambda: _suggestions_of(person, memberships),
    )


def _suggestions_of(person: User, memberships: list[Membership]) -> SafeString:
    User.objects.load_posts([person])  # on the request's user: what else reads them uses them
    return render_to_string(
        "portal/_home_mine.html#suggestions",
        {"suggestions": suggested_networks(person, memberships)},
    )


def waiting_invitations(person: User, memberships: list[Membership]) -> list[Invitation]:
    """Invitations to the person's address not yet accepted, to networks they are not in."""
    joined = {membership.network_id for membership in memberships}
    return [
        invitation
        for invitation in Invitation.objects.waiting_for(person.email)
        .select_related("network", "invited_by")
        .defer("invited_by__password")  # kept with /me/ and home: no hashes there
        .order_by("-created_at")
        if invitation.network_id not in joined
    ]


@dataclass
class Home:
    """What the signed-in home page leads with: the person's own Headnet."""

    memberships: list[Membership]
    pending: list[Membership]
    schedule: schedule.ScheduleList
    suggestions: SafeString
    invitations: list[Invitation]


def home_for(user: User, *, meetings: int = 5) -> Home:
    """The person's networks, their next meetings and networks to join in their area."""
    person = user
    live, invitations = _kept_own(person)
    return Home(
        memberships=[membership for membership in live if membership.is_active],
        pending=[membership for membership in live if membership.is_pending],
        schedule=schedule.my_schedule_list(person, limit=meetings, memberships=live),
        suggestions=kept_suggestions(person, live),
        invitations=invitations,
    )


def _kept_own(person: User) -> tuple[list[Membership], list[Invitation]]:
    """The person's live memberships and the invitations waiting at their address, kept
    for them under their own scope (their memberships name it), their address's (the
    invitations name it) and the network listing's (every network's name): the
    home page's two queries, asked again only after one of those writes."""

    def build() -> tuple[list[Membership], list[Invitation]]:
        live = list(
            Membership.objects.live()
            .filter(person=person)
            .select_related("network", "school")
            .order_by("network__name")
        )
        return live, waiting_invitations(person, live)

    return pagecache.kept(
        f"portal:home:own:{person.pk}",
        [person_scope(person.pk), address_scope(person.email), NETWORKS_SCOPE],
        build,
    )
