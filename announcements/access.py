"""Who may write, send and read a network's announcements. Views ask only here.

Writing (and sending, scheduling, cancelling, discarding): the network's coordinators
and administrators, and site staff, to any audience the network has
(announcements.targets); a lead of one of its workhubs of this year, while an active
member of the network, to that workhub only.

Reading: every active member of the network (its coordinators and site staff too)
reads every announcement the network has sent, whatever its audience. What a network
tells a sub-group, a workhub or a meeting's people is the network's business, open to
its members as those groups' pages are. A draft or a scheduled announcement is seen
only by the people who may write it; to anyone else it does not exist (404).

The rule is written once, as a condition (`readable_q`), which the archive, the
network page's section and every single check (`may_read`, the same rule in Python,
held equal to it by a test) use. Built on networks.access: an announcement is always
fetched through its network, so another network's is a 404.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Q, QuerySet
from django.http import Http404

from core.dates import academic_year_of
from core.prepared import Prepared
from meetings.models import Meeting
from members.models import User
from networks import access as network_access
from networks.access import NetworkAccess
from networks.models import Membership, Network, Workhub, WorkhubMembership

from . import targets
from .models import Announcement

# The annotation on a membership that says whether its person leads a workhub of this
# year of its network.
LEADS_A_WORKHUB = "announcements_leads_a_workhub"
# An announcement that has gone out (or is going out now): on the archive.
SENT_STATES = (Announcement.State.SENDING, Announcement.State.SENT)
# One that has not: its writers' only.
UNSENT_STATES = (Announcement.State.DRAFT, Announcement.State.SCHEDULED)


@dataclass(frozen=True)
class AnnouncementAccess:
    """What one person may do with one network's announcements."""

    perms: NetworkAccess
    # This year's workhubs of the network that the person leads (only for an active
    # member who does not coordinate: a coordinator may write to every workhub anyway).
    led_workhub_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def network(self) -> Network:
        return self.perms.network

    @property
    def can_read(self) -> bool:
        """The archive and every sent announcement: the network's active members."""
        return self.perms.is_member

    @property
    def can_write_to_anyone(self) -> bool:
        """Every audience of the network: coordinators, administrators, site staff."""
        return self.perms.can_coordinate

    @property
    def can_write(self) -> bool:
        """To some audience at least: the coordinators, and the leads of its workhubs."""
        return self.can_write_to_anyone or bool(self.led_workhub_ids)

    def may_write_to(self, audience: str, workhub_id: int | None = None) -> bool:
        """Whether the person may address an announcement of this network so."""
        if self.can_write_to_anyone:
            return True
        return audience == Announcement.Audience.WORKHUB and workhub_id in self.led_workhub_ids

    def may_write(self, announcement: Announcement) -> bool:
        return self.may_write_to(announcement.audience, announcement.workhub_id)

    def may_read(self, announcement: Announcement) -> bool:
        """readable_q for one announcement of this network in hand, without a query."""
        if announcement.state in SENT_STATES:
            return self.can_read
        return self.may_write(announcement)

    # What the composer offers ---------------------------------------------------------

    def audiences(self) -> list[tuple[str, str]]:
        """The audiences the person may choose, as (value, label)."""
        if self.can_write_to_anyone:
            allowed = targets.audiences_of(self.network)
        elif self.led_workhub_ids:
            allowed = [Announcement.Audience.WORKHUB]
        else:
            allowed = []
        return [
            (value, label) for value, label in Announcement.Audience.choices if value in allowed
        ]

    def subgroups(self) -> QuerySet[Network]:
        subgroups = targets.subgroups_of(self.network)
        return subgroups if self.can_write_to_anyone else subgroups.none()

    def workhubs(self) -> QuerySet[Workhub]:
        workhubs = targets.workhubs_of(self.network)
        if self.can_write_to_anyone:
            return workhubs
        return workhubs.filter(pk__in=self.led_workhub_ids)

    def meetings(self) -> QuerySet[Meeting]:
        meetings = targets.meetings_of(self.network)
        return meetings if self.can_write_to_anyone else meetings.none()

    def held_meetings(self) -> QuerySet[Meeting]:
        """The meetings a follow-up may be about."""
        meetings = targets.held_meetings_of(self.network)
        return meetings if self.can_write_to_anyone else meetings.none()


def writable_q(access: AnnouncementAccess) -> Q:
    """The drafts and scheduled announcements the person may work on."""
    unsent = Q(state__in=UNSENT_STATES)
    if access.can_write_to_anyone:
        return unsent
    if access.led_workhub_ids:
        return unsent & Q(
            audience=Announcement.Audience.WORKHUB, workhub_id__in=access.led_workhub_ids
        )
    return Q(pk__in=[])


def readable_q(access: AnnouncementAccess) -> Q:
    """Every announcement of the network the person may see (the network is the
    caller's: lists start from the network's announcements)."""
    sent = Q(state__in=SENT_STATES) if access.can_read else Q(pk__in=[])
    return sent | writable_q(access)


def archive(access: AnnouncementAccess) -> QuerySet[Announcement]:
    """The network's sent announcements the person may read, with what a row shows."""
    # Through the network's own manager: each row is given the network in hand, so the
    # query joins no network row (a join that cost more to plan than to run).
    return access.network.announcements.filter(
        readable_q(access) & Q(state__in=SENT_STATES)
    ).select_related("subgroup", "workhub", "meeting", "author")


def unsent(access: AnnouncementAccess) -> QuerySet[Announcement]:
    """The network's drafts and scheduled announcements the person may work on."""
    return (
        Announcement.objects.filter(network=access.network)
        .filter(writable_q(access))
        .select_related("network", "subgroup", "workhub", "meeting", "author")
        .order_by("-updated_at", "-pk")
    )


def _writes_as_lead(perms: NetworkAccess) -> bool:
    """Whether leading a workhub gives the person anything to write: an active member who
    does not coordinate (a coordinator may write to every workhub anyway)."""
    return perms.is_member and not perms.can_coordinate


def _leads_of_year(person_id: int, academic_year: int) -> QuerySet[WorkhubMembership]:
    """The person's places as a lead of a workhub of that year (targets.workhubs_of)."""
    return WorkhubMembership.objects.filter(
        person_id=person_id, is_lead=True, workhub__academic_year=academic_year
    )


def _leads_of_this_year(user: User) -> QuerySet[WorkhubMembership]:
    return _leads_of_year(user.pk, academic_year_of())


def _membership_leading_query(
    person_id: int, network_id: int, academic_year: int
) -> QuerySet[Membership]:
    """The person's live membership of the network, with whether they lead one of its
    workhubs of that year (LEADS_A_WORKHUB)."""
    leads = _leads_of_year(person_id, academic_year).filter(workhub__network_id=network_id)
    return (
        Membership.objects.live()
        .filter(person_id=person_id, network_id=network_id)
        .annotate(**{LEADS_A_WORKHUB: Exists(leads)})[:1]
    )


# Asked on every visit to the archive: compiled once (core.prepared).
_MEMBERSHIP_LEADING = Prepared(Membership, _membership_leading_query, arity=3)


def _membership_leading(person_id: int, network_id: int) -> Membership | None:
    return _MEMBERSHIP_LEADING.first(person_id, network_id, academic_year_of())


def led_workhub_ids(user: User | AnonymousUser, perms: NetworkAccess) -> frozenset[int]:
    """The network's workhubs of this year the user leads, if that lets them write (one
    query, and none when it cannot)."""
    if not user.is_authenticated or not _writes_as_lead(perms):
        return frozenset()
    leads = _leads_of_this_year(user).filter(workhub__network=perms.network)
    return frozenset(leads.values_list("workhub_id", flat=True))


def with_perms(user: User | AnonymousUser, perms: NetworkAccess) -> AnnouncementAccess:
    """The person's access to the network's announcements, from their network access."""
    return AnnouncementAccess(perms=perms, led_workhub_ids=led_workhub_ids(user, perms))


def on_workhub_page(perms: NetworkAccess, workhub: Workhub, is_lead: bool) -> AnnouncementAccess:
    """with_perms on a workhub's page, which knows whether the person leads it (no query)."""
    leads_it = is_lead and _writes_as_lead(perms) and targets.is_this_years(workhub)
    return AnnouncementAccess(
        perms=perms, led_workhub_ids=frozenset({workhub.pk}) if leads_it else frozenset()
    )


def for_network(user: User | AnonymousUser, network: Network) -> AnnouncementAccess:
    return with_perms(user, network_access.for_network(user, network))


def get_archive(user: User | AnonymousUser, slug: str) -> AnnouncementAccess:
    """The person's access if they may read the network's announcements; 403 otherwise.
    A member's membership brings whether they lead a workhub (one query; a lead's
    workhubs are a second)."""
    perms = network_access.for_slug(user, slug, reader=_membership_leading)
    leads_one = perms.membership and vars(perms.membership).pop(LEADS_A_WORKHUB, False)
    access = with_perms(user, perms) if leads_one else AnnouncementAccess(perms=perms)
    if not access.can_read:
        raise PermissionDenied(f"Only members of {access.network.name} can read its announcements.")
    return access


def get_access_to_write(user: User | AnonymousUser, slug: str) -> AnnouncementAccess:
    """The person's access if they may write an announcement in the network; 403 otherwise."""
    access = for_network(user, network_access.get_network(slug))
    if not access.can_write:
        raise PermissionDenied(
            f"Only the coordinators of {access.network.name}, and the leads of its "
            "workhubs, can write its announcements."
        )
    return access


def get_announcement_for_user(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[Announcement, AnnouncementAccess]:
    """The announcement and the person's access: 404 for another network's, or for a
    draft or scheduled one they may not write; 403 for a sent one to a non-member."""
    access = for_network(user, network_access.get_network(slug))
    announcement = (
        Announcement.objects.filter(network=access.network, pk=pk)
        .select_related("network", "subgroup", "workhub", "meeting", "author", "article")
        .first()
    )
    if announcement is None or (
        announcement.state in UNSENT_STATES and not access.may_write(announcement)
    ):
        raise Http404("No such announcement.")
    if not access.may_read(announcement):
        raise PermissionDenied(f"Only members of {access.network.name} can read its announcements.")
    return announcement, access


def get_announcement_to_write(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[Announcement, AnnouncementAccess]:
    """The announcement if the person may write (send, cancel, discard) it; a sent one
    they may only read is a 403."""
    announcement, access = get_announcement_for_user(user, slug, pk)
    if not access.may_write(announcement):
        raise PermissionDenied(
            f"Only the coordinators of {access.network.name} can do this to this announcement."
        )
    return announcement, access
