"""What /me/ shows: the person's own, kept for them between visits.

Kept (core.pagecache.kept_where_found) under the scopes of what it shows: the person's
(their memberships, workhub places, registrations and calendar feed name it), their
address's (invitations, stopped bulk mail), those of the networks they are in (meetings,
figures, fees, names), the listing of networks (suggestions), mentoring and coaching's
and the site's (people, posts and schools). A person registered for a meeting outside
their networks and workhubs keeps it under every meeting's scope too. The time moves
the schedule on with no write: nothing is kept longer than core.pagecache.PAGE_SECONDS.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from core import pagecache
from meetings import schedule
from meetings import services as meeting_services
from meetings.models import MEETINGS_SCOPE, CalendarFeed, Registration
from members import suppression
from members.models import EmailSuppression, User, address_scope, person_scope
from networks.models import (
    NETWORKS_SCOPE,
    Invitation,
    Membership,
    WorkhubMembership,
    network_scope,
)
from support import work as support_work
from support.models import SUPPORT_SCOPE

from . import firstuse, work


@dataclass
class Kept:
    """The person's /me/ as kept: rows of their networks, figures and fees as objects, and
    the longer lists already written (no CSRF token in them)."""

    profile_complete: bool
    work: work.MyWork
    suppression: EmailSuppression | None
    invitations: list[Invitation]
    feed: CalendarFeed
    schedule: SafeString
    networks: SafeString
    suggestions: SafeString


def _flags(person: User) -> dict:
    """One query: the person's support roles, whether bulk mail to them stopped, whether an
    invitation waits for them, their calendar feed's token, whether they have workhub
    places, and whether they registered for a meeting outside their networks and workhubs
    (one in the past may be moved on)."""
    theirs = OuterRef("pk")
    places = WorkhubMembership.objects.filter(person=theirs)
    flags = {
        **support_work.role_flags(),
        "stopped": Exists(suppression.stopped_at(person.email)),
        "invited": Exists(Invitation.objects.waiting_for(person.email)),
        "feed_token": Subquery(CalendarFeed.objects.filter(person=theirs).values("token")[:1]),
        "has_places": Exists(places),
        "elsewhere": Exists(
            Registration.objects.live()
            .filter(person=theirs)
            .exclude(
                meeting__network__in=Membership.objects.live()
                .filter(person=OuterRef("person"))
                .values("network")
            )
            .exclude(
                meeting__network__in=WorkhubMembership.objects.filter(
                    person=OuterRef("person")
                ).values("workhub__network")
            )
        ),
    }
    return User.objects.filter(pk=person.pk).annotate(**flags).values(*flags).get()


Found = tuple[dict, list[Membership], list[WorkhubMembership]]


def _find(person: User) -> tuple[Found, set[str]]:
    """What the person is (_flags), their live memberships and workhub places, and the
    scopes of their networks (and of every meeting's, if they registered for one
    elsewhere)."""
    flags = _flags(person)
    memberships = list(
        Membership.objects.live()
        .filter(person=person)
        .select_related("network", "school")
        .order_by("network__name")
    )
    places = (
        list(WorkhubMembership.objects.filter(person=person).select_related("workhub__network"))
        if flags["has_places"]
        else []
    )
    slugs = {m.network.slug for m in memberships} | {p.workhub.network.slug for p in places}
    scopes = set(map(network_scope, slugs))
    if flags["elsewhere"]:
        scopes.add(MEETINGS_SCOPE)
    return (flags, memberships, places), scopes


def _build(person: User, found: Found) -> Kept:
    flags, memberships, places = found
    # Read here, after the versions of the networks' scopes (which a fee scheme's write
    # changes) were read: not with the memberships, before them.
    prefetch_related_objects(memberships, "network__fee_scheme")
    User.objects.load_posts([person])
    active = [membership for membership in memberships if membership.is_active]
    pending = [membership for membership in memberships if membership.is_pending]
    token = flags["feed_token"]
    return Kept(
        profile_complete=person.has_complete_profile,
        work=work.my_work(person, active, support=support_work.work_for(person, roles=flags)),
        suppression=suppression.suppression_of(person.email) if flags["stopped"] else None,
        invitations=(firstuse.waiting_invitations(person, memberships) if flags["invited"] else []),
        feed=(
            CalendarFeed(person_id=person.pk, token=token)
            if token
            else meeting_services.make_calendar_feed(person)
        ),
        schedule=render_to_string(
            "meetings/_my_schedule.html#meetings",
            {"schedule": schedule.my_schedule(person, memberships=memberships)},
        ),
        networks=render_to_string(
            "portal/me.html#networks",
            {"active": active, "pending": pending, "workhub_places": places},
        ),
        suggestions=render_to_string(
            "portal/_suggestions.html",
            {"suggestions": firstuse.suggested_networks(person, memberships)},
        ),
    )


def my_page(person: User) -> Kept:
    """The person's /me/, kept for them while nothing it shows changes."""
    return pagecache.kept_where_found(
        f"portal:me:{person.pk}",
        [person_scope(person.pk), address_scope(person.email), NETWORKS_SCOPE, SUPPORT_SCOPE],
        lambda: _find(person),
        lambda found: _build(person, found),
    )
