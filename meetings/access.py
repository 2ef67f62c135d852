"""Who may see, join and run meetings. Built on networks.access; views ask only here.

A meeting is fetched by its id and its network's access is worked out once; a
paper is fetched through its meeting, so another meeting's paper is a 404.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from networks import access as network_access
from networks.access import NetworkAccess
from networks.models import Membership

from .models import Meeting, Paper, Registration


def member_network_ids(user) -> set[int]:
    """The networks the user is an active member of (remembered for the request)."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_member_network_ids"):
        user._member_network_ids = set(
            Membership.objects.active().filter(person=user).values_list("network_id", flat=True)
        )
    return user._member_network_ids


def coordinated_network_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.coordinating().filter(person=user).values_list("network_id", flat=True)
    )


def may_see(perms: NetworkAccess, meeting: Meeting) -> bool:
    """Drafts for coordinators; otherwise by the meeting's audience."""
    if meeting.is_draft:
        return perms.can_coordinate
    if meeting.audience == Meeting.Audience.PUBLIC:
        return True
    if meeting.audience == Meeting.Audience.SIGNED_IN:
        return perms.is_signed_in
    return perms.is_member


def can_see_online_link(perms: NetworkAccess, meeting: Meeting, registration=None) -> bool:
    """Members and coordinators, and people with a place (those allowed to attend)."""
    if perms.is_member or perms.can_coordinate:
        return True
    return registration is not None and registration.is_going


def can_see_paper(perms: NetworkAccess, paper: Paper, registration=None) -> bool:
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


def _meeting(pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("network", "workhub", "venue_school", "series"), pk=pk
    )


def _access(user, meeting: Meeting) -> MeetingAccess:
    perms = network_access.for_network(user, meeting.network)
    registration = None
    if user.is_authenticated:
        registration = meeting.registrations.live().filter(person=user).first()
    return MeetingAccess(meeting=meeting, perms=perms, registration=registration)


def get_meeting_for_user(user, pk: int) -> MeetingAccess:
    """The meeting if the user may see it: drafts are a 404 to all but coordinators;
    a members' meeting is a 403 to signed-in non-members (the view sends visitors
    to sign in)."""
    access = _access(user, _meeting(pk))
    if access.meeting.is_draft and not access.perms.can_coordinate:
        raise Http404("No such meeting.")
    if not may_see(access.perms, access.meeting):
        raise PermissionDenied(
            f"This meeting is for members of {access.meeting.network.name}."
            if access.meeting.audience == Meeting.Audience.MEMBERS
            else "Sign in to see this meeting."
        )
    return access


def get_meeting_to_manage(user, pk: int) -> MeetingAccess:
    """The meeting if the user coordinates its network; 403 otherwise."""
    access = _access(user, _meeting(pk))
    if not access.can_manage:
        raise PermissionDenied(f"Only coordinators of {access.meeting.network.name} can do this.")
    return access


def get_paper_for_user(user, pk: int, paper_id: int) -> Paper:
    """A paper of the meeting, if the user may download it (404 for another meeting's)."""
    access = get_meeting_for_user(user, pk)
    paper = get_object_or_404(access.meeting.papers.all(), pk=paper_id)
    if not access.can_see_paper(paper):
        raise PermissionDenied("This paper is not shared with you.")
    return paper
