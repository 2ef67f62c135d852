"""Who may see, join and run meetings. Built on networks.access; views ask only here.

Who may see a meeting (docs/rules.md section 6) is written once, in
`visible_meetings_q`: every list, section, feed and schedule filters by it, the
single check `may_see` is the same rule for a meeting in hand (a test holds the two
equal over every persona, audience and state), and every email about a meeting goes
only to the people `who_may_see` it.

A meeting is fetched by its id and its network's access is worked out once; a
paper is fetched through its meeting, so another meeting's paper is a 404.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from members.models import User
from networks import access as network_access
from networks.access import NetworkAccess
from networks.models import Membership, Workhub, WorkhubMembership

from .models import Meeting, Paper, Registration

# Who may see a meeting ------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """What the meeting rule needs to know about whoever is looking.

    `member_of` and `coordinates` are network ids: active memberships (of any role)
    and active coordinator or administrator places. Only an active membership counts:
    a pending, lapsed or ended one, a workhub place or a registration gives no right
    to a members' meeting. For a whole person they are flat queries, so a list uses
    them as subqueries (no query of their own) and a check in Python fetches them once.
    """

    is_signed_in: bool = False
    is_site_staff: bool = False
    member_of: Collection[int] | QuerySet[Membership, int] = frozenset()
    coordinates: Collection[int] | QuerySet[Membership, int] = frozenset()

    @property
    def audiences(self) -> tuple[str, ...]:
        """The audiences a published meeting may have for them to see it as anybody."""
        if self.is_signed_in:
            return (Meeting.Audience.PUBLIC, Meeting.Audience.SIGNED_IN)
        return (Meeting.Audience.PUBLIC,)


ANONYMOUS = Viewer()


def viewer_of(user: User | AnonymousUser) -> Viewer:
    """The viewer for a person across every network (lists, schedules, feeds); no query
    until it is used."""
    if not user.is_authenticated:
        return ANONYMOUS
    active = Membership.objects.active().filter(person=user)
    return Viewer(
        is_signed_in=True,
        is_site_staff=user.is_superuser,
        member_of=active.values_list("network_id", flat=True),
        coordinates=active.coordinating().values_list("network_id", flat=True),
    )


def viewer_with(user: User, memberships: Iterable[Membership]) -> Viewer:
    """viewer_of, from the person's live memberships already in hand (no query): its
    network ids are then known in Python, so a list can take one network at a time."""
    memberships = list(memberships)
    return Viewer(
        is_signed_in=True,
        is_site_staff=user.is_superuser,
        member_of=frozenset(m.network_id for m in memberships if m.is_active),
        coordinates=frozenset(m.network_id for m in memberships if m.can_coordinate),
    )


def viewer_in(perms: NetworkAccess) -> Viewer:
    """The viewer as their access to one network sees them: for that network's meetings
    only (it knows nothing of their other networks). Costs no query."""
    network_id = perms.network.pk
    return Viewer(
        is_signed_in=perms.is_signed_in,
        is_site_staff=perms.is_site_staff,
        member_of=frozenset({network_id}) if perms.is_member else frozenset(),
        coordinates=frozenset({network_id}) if perms.can_coordinate else frozenset(),
    )


def visible_meetings_q(viewer: Viewer) -> Q:
    """The meetings the viewer may see, as a condition for any list of meetings.

    Site staff and a network's coordinators see all its meetings, drafts too; nobody
    else sees a draft. A published or cancelled meeting is seen by its audience: anyone
    (public), anyone signed in, or the network's active members."""
    if viewer.is_site_staff:
        return Q()
    by_audience = Q(audience__in=viewer.audiences) | Q(network_id__in=viewer.member_of)
    return (~Q(state=Meeting.State.DRAFT) & by_audience) | Q(network_id__in=viewer.coordinates)


def may_see(viewer: Viewer, meeting: Meeting) -> bool:
    """visible_meetings_q for one meeting in hand, without a query."""
    if viewer.is_site_staff or meeting.network_id in viewer.coordinates:
        return True
    if meeting.is_draft:
        return False
    return meeting.audience in viewer.audiences or meeting.network_id in viewer.member_of


def who_may_see(
    pairs: Iterable[tuple[User, Meeting]], memberships: Iterable[Membership] | None = None
) -> list[tuple[User, Meeting]]:
    """The (person, meeting) pairs in which the person may see the meeting: every email
    about a meeting goes only to them (a lapsed member's leftover registration for a
    members' meeting brings them no news of it).

    `memberships`: the people's live memberships of the meetings' networks if the caller
    has them; otherwise they are looked up, in one query."""
    pairs = list(pairs)
    if not pairs:
        return []
    if memberships is None:
        memberships = Membership.objects.live().filter(
            person__in={person.pk for person, _ in pairs},
            network__in={meeting.network_id for _, meeting in pairs},
        )
    held = {(membership.person_id, membership.network_id): membership for membership in memberships}
    return [
        (person, meeting)
        for person, meeting in pairs
        if may_see(
            viewer_in(
                network_access.with_membership(
                    person, meeting.network, held.get((person.pk, meeting.network_id))
                )
            ),
            meeting,
        )
    ]


# What a person may do with a meeting they may see ------------------------------------


def can_see_online_link(
    perms: NetworkAccess, meeting: Meeting, registration: Registration | None = None
) -> bool:
    """Members and coordinators, and people with a place (those allowed to attend)."""
    if perms.is_member or perms.can_coordinate:
        return True
    return registration is not None and registration.is_going


def can_see_paper(
    perms: NetworkAccess, paper: Paper, registration: Registration | None = None
) -> bool:
    if perms.can_coordinate:
        return True
    if paper.visibility == Paper.Visibility.ATTENDEES:
        return registration is not None and registration.is_going
    return perms.is_member


@dataclass(frozen=True)
class MeetingAccess:
    """What one person may do with one meeting."""

    meeting: Meeting
    perms: NetworkAccess
    registration: Registration | None

    @property
    def viewer(self) -> Viewer:
        return viewer_in(self.perms)

    @property
    def can_manage(self) -> bool:
        return self.perms.can_coordinate

    @property
    def can_see_online_link(self) -> bool:
        return can_see_online_link(self.perms, self.meeting, self.registration)

    @property
    def can_register(self) -> bool:
        return self.perms.is_signed_in and self.meeting.takes_registrations

    def can_see_paper(self, paper: Paper) -> bool:
        return can_see_paper(self.perms, paper, self.registration)


def leads(user: User | AnonymousUser, workhub: Workhub) -> bool:
    """Whether the user is one of the workhub's leads (one query; none for a visitor)."""
    return user.is_authenticated and (
        WorkhubMembership.objects.filter(workhub=workhub, person=user, is_lead=True).exists()
    )


def can_plan_for_workhub(perms: NetworkAccess, workhub: Workhub, is_lead: bool) -> bool:
    """The network's coordinators; and a lead of the workhub who is an active member of
    the network, while the workhub is this year's (an earlier year's is a record)."""
    if perms.can_coordinate:
        return True
    return is_lead and perms.is_member and not workhub.is_past


def get_workhub_to_plan(
    user: User | AnonymousUser, slug: str, workhub_slug: str
) -> tuple[Workhub, NetworkAccess]:
    """The workhub and the user's access to its network if they may plan a meeting for
    it; 403 otherwise (a 404 for a workhub that is not there)."""
    workhub = network_access.get_workhub(slug, workhub_slug)
    perms = network_access.for_network(user, workhub.network)
    is_lead = not perms.can_coordinate and leads(user, workhub)
    if not can_plan_for_workhub(perms, workhub, is_lead):
        raise PermissionDenied(
            f"Only the leads of {workhub.name} and the coordinators of "
            f"{workhub.network.label} can plan its meetings."
        )
    return workhub, perms


def _meeting(pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("network", "workhub", "venue_school", "series"), pk=pk
    )


def _access(user: User | AnonymousUser, meeting: Meeting) -> MeetingAccess:
    perms = network_access.for_network(user, meeting.network)
    registration = None
    if user.is_authenticated:
        registration = meeting.registrations.live().filter(person=user).first()
    return MeetingAccess(meeting=meeting, perms=perms, registration=registration)


def get_meeting_for_user(user: User | AnonymousUser, pk: int) -> MeetingAccess:
    """The meeting if the user may see it: drafts are a 404 to all but coordinators;
    a members' meeting is a 403 to signed-in non-members (the view sends visitors
    to sign in)."""
    access = _access(user, _meeting(pk))
    if may_see(access.viewer, access.meeting):
        return access
    if access.meeting.is_draft:
        raise Http404("No such meeting.")
    raise PermissionDenied(
        f"This meeting is for members of {access.meeting.network.name}."
        if access.meeting.audience == Meeting.Audience.MEMBERS
        else "Sign in to see this meeting."
    )


def get_meeting_to_manage(user: User | AnonymousUser, pk: int) -> MeetingAccess:
    """The meeting if the user coordinates its network; 403 otherwise."""
    access = _access(user, _meeting(pk))
    if not access.can_manage:
        raise PermissionDenied(f"Only coordinators of {access.meeting.network.name} can do this.")
    return access


def get_paper_for_user(user: User | AnonymousUser, pk: int, paper_id: int) -> Paper:
    """A paper of the meeting, if the user may download it (404 for another meeting's)."""
    access = get_meeting_for_user(user, pk)
    paper = get_object_or_404(access.meeting.papers.all(), pk=paper_id)
    if not access.can_see_paper(paper):
        raise PermissionDenied("This paper is not shared with you.")
    return paper


def get_paper_to_manage(
    user: User | AnonymousUser, pk: int, paper_id: int
) -> tuple[MeetingAccess, Paper]:
    """A paper of the meeting, for its network's coordinators to replace or remove (403
    for anyone else; 404 for another meeting's paper)."""
    meeting_access = get_meeting_to_manage(user, pk)
    return meeting_access, get_object_or_404(meeting_access.meeting.papers.all(), pk=paper_id)
