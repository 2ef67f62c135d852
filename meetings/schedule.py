"""Schedules other pages show: the next public meetings, a person's own schedule.

Plain functions so the home page and /me/ (on the floor above) can call them;
each uses a fixed number of queries however many meetings there are.
"""

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString

from core import pagecache
from core.prepared import Prepared
from core.queries import pk_in_any
from members.models import User
from networks.models import (
    MEMBERSHIPS_SCOPE,
    NETWORKS_SCOPE,
    Membership,
    Network,
    WorkhubMembership,
    network_scope,
)

from . import access
from .models import LONDON, MEETINGS_SCOPE, Meeting, Registration

# What a person's own meetings show: any meeting or registration, network or workhub,
# membership or workhub place written may change them (as their personal feed).
PERSONAL_SCOPES = (MEETINGS_SCOPE, NETWORKS_SCOPE, MEMBERSHIPS_SCOPE)


def next_public_meetings(limit: int = 5) -> list[Meeting]:
    """The next published meetings anyone may see, across every network (one query)."""
    return next_meetings_for(access.ANONYMOUS, limit=limit)


def next_meetings_for(
    viewer: access.Viewer, *, limit: int = 5, excluding: list[int] | None = None
) -> list[Meeting]:
    """The next published meetings the viewer may see across every network, as /meetings/
    lists them (one query), leaving out those `excluding` names (already shown)."""
    meetings = Meeting.objects.filter(access.visible_meetings_q(viewer)).filter(
        state=Meeting.State.PUBLISHED
    )
    if excluding:
        meetings = meetings.exclude(pk__in=excluding)
    return list(meetings.upcoming().for_lists()[:limit])


@dataclass(frozen=True)
class UnseenMeeting:
    """That a network meets, told to someone who may not see its next meeting: the
    network, how often it meets in its own words and the day of that meeting, never the
    meeting's title, venue or link (docs/rules.md section 6)."""

    network: Network
    starts_at: datetime.datetime
    audience: str
    ends_at: datetime.datetime | None = None  # when it is no longer the next one

    @property
    def rhythm(self) -> str:
        """ "Six times a year, online." as it reads inside a sentence."""
        text = " ".join(self.network.meeting_rhythm.split()).rstrip(".")
        if len(text) > 1 and text[0].isupper() and text[1].islower():  # not "OSSHTA ..."
            text = text[0].lower() + text[1:]
        return text

    @property
    def for_whom(self) -> str:
        if self.audience == Meeting.Audience.MEMBERS:
            return "its members"
        return "people signed in to Headnet"

    @property
    def next_on(self) -> str:
        """ "Wednesday 20 January" (with the year when it is not this year's)."""
        day = self.starts_at.astimezone(LONDON)
        this_year = timezone.now().astimezone(LONDON).year
        return dateformat.format(day, "l j F" if day.year == this_year else "l j F Y")

    @property
    def sentence(self) -> str:
        """ "OPHN meets six times a year for its members; next on Wednesday 20 January."""
        rhythm = self.rhythm
        if rhythm:  # "meets six times a year, online, for its members"
            rhythm = f" {rhythm}," if "," in rhythm else f" {rhythm}"
        return f"{self.network.label} meets{rhythm} for {self.for_whom}; next on {self.next_on}."


def _unseen(meeting: Meeting) -> UnseenMeeting:
    return UnseenMeeting(
        network=meeting.network,
        starts_at=meeting.starts_at,
        audience=meeting.audience,
        ends_at=meeting.ends_at,
    )


def unseen_next(
    viewer: access.Viewer, *, network: Network | None = None, limit: int = 5
) -> list[UnseenMeeting]:
    """For each network (or the one given) whose next published meeting is one the viewer
    may not see, that it meets and when, soonest first: the rule's complement, in one
    query, so a page never says nothing is planned when its members meet."""
    hidden = (
        Meeting.objects.filter(state=Meeting.State.PUBLISHED, ends_at__gte=timezone.now())
        .exclude(access.visible_meetings_q(viewer))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("network_id")],
                order_by=[F("starts_at").asc(), F("pk").asc()],
            )
        )
        .filter(rank=1)
        .select_related("network")
        .order_by("starts_at", "pk")
    )
    if network is not None:
        hidden = hidden.filter(network=network)
    return [_unseen(meeting) for meeting in hidden[:limit]]


def _sees_all_published(perms) -> bool:
    return perms.is_site_staff or perms.is_member or perms.can_coordinate


def network_upcoming(network, perms, limit: int = 3) -> list[Meeting]:
    """A network's next meetings the viewer may see (for its page; coordinators see their
    drafts there too), one query."""
    meetings = network.meetings.filter(access.visible_meetings_q(access.viewer_in(perms)))
    return list(meetings.upcoming().for_lists()[:limit])


def _first_hidden(meetings, seen: Q):
    """Each network's first upcoming published meeting of `meetings` that is not `seen`
    (the key), soonest first."""
    # Each network's first hidden meeting is one short walk of the (network, starts_at)
    # index, where numbering every upcoming meeting by network would read them all.
    first_hidden = (
        meetings.filter(network=OuterRef("pk"), state=Meeting.State.PUBLISHED)
        .exclude(seen)
        .upcoming()
    )
    return (
        Network.objects.annotate(
            first=Subquery(first_hidden.values("pk")[:1]),
            first_at=Subquery(first_hidden.values("starts_at")[:1]),
        )
        .filter(first__isnull=False)
        .order_by("first_at", "first")
    )


def _seen_and_unseen(
    meetings, viewer: access.Viewer, limit: int, hidden: list[int] | None = None
) -> tuple[list[Meeting], list[UnseenMeeting]]:
    """Of the upcoming `meetings`, the first `limit` the viewer may see and, for each
    network, the first published one they may not (soonest first, `limit` networks at
    most), in one query. `hidden`: those first hidden meeting keys, if already known."""
    seen = access.visible_meetings_q(viewer)
    first = meetings.filter(seen).upcoming().values("pk")[:limit]
    if hidden is None:
        hidden_part = _first_hidden(meetings, seen).values("first")[:limit]
    else:
        # Asked again whether each is upcoming and hidden: kept keys live as long as
        # the cache keeps them, and time passes.
        hidden_part = meetings.filter(pk__in=hidden[:limit]).upcoming().values("pk")
    rows = list(
        Meeting.objects.filter(pk_in_any(first, hidden_part))
        .for_lists()
        .annotate(seen=ExpressionWrapper(seen, output_field=BooleanField()))
        .order_by("starts_at", "pk")
    )
    kept = frozenset(hidden or ())
    return (
        [row for row in rows if row.seen and row.pk not in kept],
        [_unseen(row) for row in rows if not row.seen],
    )


def hidden_from_signed_in() -> list[tuple[int, int]]:
    """(network id, meeting key) of each network's first upcoming published meeting that
    someone signed in, in no network, may not see, soonest first: the same for everyone
    (one query), so a page can keep it and take a person's own networks out
    (next_meetings_and_unseen)."""
    nobody = access.Viewer(is_signed_in=True)
    meetings = Meeting.objects.filter(state=Meeting.State.PUBLISHED)
    return list(
        _first_hidden(meetings, access.visible_meetings_q(nobody)).values_list("pk", "first")
    )


def next_meetings_and_unseen(
    viewer: access.Viewer,
    *,
    limit: int = 5,
    excluding: list[int] | None = None,
    hidden_from_signed_in: list[tuple[int, int]] | None = None,
) -> tuple[list[Meeting], list[UnseenMeeting]]:
    """next_meetings_for, and unseen_next, together in one query (for the home page).

    `hidden_from_signed_in`: that function's answer, for a signed-in viewer whose network
    ids are known (access.viewer_with). What such a viewer may not see in a network of
    theirs they may see all of; in any other they see what anyone signed in sees. So their
    first hidden meetings are those, less their own networks'.

    Each meeting comes with its row (`row`, meeting_row)."""
    meetings = Meeting.objects.filter(state=Meeting.State.PUBLISHED)
    if excluding:
        meetings = meetings.exclude(pk__in=excluding)
    if viewer.is_site_staff:  # sees everything: nothing unseen
        seen, unseen = list(meetings.upcoming().for_lists()[:limit]), []
    else:
        hidden = None
        if hidden_from_signed_in is not None:
            if not viewer.is_signed_in or not isinstance(viewer.member_of, frozenset):
                raise ValueError("The signed-in people's hidden meetings need a viewer_with.")
            theirs = viewer.member_of | frozenset(viewer.coordinates)
            hidden = [key for network_id, key in hidden_from_signed_in if network_id not in theirs]
        seen, unseen = _seen_and_unseen(meetings, viewer, limit, hidden)
    for meeting in seen:
        meeting.row = meeting_row(meeting)
    return seen, unseen


def upcoming_list(meetings: list[Meeting], unseen: list[UnseenMeeting]) -> SafeString:
    """The next meetings (each with its row) and the networks that also meet, written."""
    return render_to_string(
        "meetings/_upcoming_list.html", {"meetings": meetings, "unseen": unseen}
    )


def kept_upcoming_list(
    viewer: access.Viewer,
    *,
    limit: int = 5,
    excluding: list[int],
    hidden_from_signed_in: Callable[[], list[tuple[int, int]]],
) -> SafeString:
    """next_meetings_and_unseen for a signed-in viewer whose network ids are known,
    written (upcoming_list), kept for everyone who sees the same (the same networks,
    coordinated ones and staff flag, the same meetings left out) under the scopes of what
    it shows (a meeting or a registration, a network or a workhub written) until its
    first meeting ends. `hidden_from_signed_in` is asked only to build it (it is kept
    under the same scopes: no part of the key)."""
    if not isinstance(viewer.member_of, frozenset):
        raise ValueError("Kept next meetings need a viewer_with.")
    now = timezone.now()
    who = (
        viewer.is_site_staff,
        sorted(viewer.member_of),
        sorted(viewer.coordinates),
        sorted(excluding),
    )
    digest = hashlib.sha256(repr(who).encode()).hexdigest()
    key = f"meetings:upcoming-list:{digest}:{limit}"

    def build() -> dict:
        meetings, unseen = next_meetings_and_unseen(
            viewer,
            limit=limit,
            excluding=excluding,
            hidden_from_signed_in=hidden_from_signed_in(),
        )
        ends = [*_ends_of(meetings), *(item.ends_at for item in unseen)]
        return {"html": upcoming_list(meetings, unseen), "until": min(ends, default=None)}

    found = pagecache.kept(key, [MEETINGS_SCOPE, NETWORKS_SCOPE], build, fresh=_until(now))
    return found["html"]


def network_upcoming_and_unseen(
    network, perms, limit: int = 3
) -> tuple[list[Meeting], UnseenMeeting | None]:
    """network_upcoming, and the next published meeting the viewer may not see (for the
    network page's "next meetings"), together in one query."""
    if _sees_all_published(perms):
        return network_upcoming(network, perms, limit), None
    meetings, unseen = _seen_and_unseen(network.meetings.all(), access.viewer_in(perms), limit)
    return meetings, unseen[0] if unseen else None


def network_unseen(network, perms) -> UnseenMeeting | None:
    """The network's next published meeting the viewer may not see (none for its members,
    who see them all, and no query)."""
    if _sees_all_published(perms):
        return None
    found = unseen_next(access.viewer_in(perms), network=network, limit=1)
    return found[0] if found else None


def workhub_upcoming(workhub, perms, limit: int = 5) -> list[Meeting]:
    """A workhub's next meetings the viewer may see (for its page), one query."""
    meetings = workhub.meetings.filter(access.visible_meetings_q(access.viewer_in(perms)))
    return list(meetings.upcoming().for_lists()[:limit])


def _personal_sources(person: User, viewer: access.Viewer) -> list[Q]:
    """Where a person's own meetings come from: the network-wide meetings of their
    networks, the meetings of their own workhubs (not every workhub's of their networks)
    and those they registered for."""
    # Subqueries, not joins: a join on registrations would also change the
    # going_count annotation of for_lists().
    workhubs = WorkhubMembership.objects.filter(person=person).values("workhub_id")
    registered = Registration.objects.live().filter(person=person).values("meeting_id")
    return [
        Q(network_id__in=viewer.member_of, workhub__isnull=True),
        Q(workhub_id__in=workhubs),
        Q(pk__in=registered),
    ]


def personal_meetings(person: User):
    """The meetings from the person's sources (_personal_sources), published or
    cancelled, and only those they may see: a workhub place or a registration adds no
    right of its own. None for an account that is switched off (its feed's secret
    address outlives it)."""
    if not person.is_active:
        return Meeting.objects.none()
    viewer = access.viewer_of(person)
    sources = _personal_sources(person, viewer)
    return (
        Meeting.objects.listed()
        .filter(access.visible_meetings_q(viewer))
        .filter(sources[0] | sources[1] | sources[2])
    )


def meeting_row(meeting: Meeting) -> str:
    """A meeting's row in a person's schedule (with their registration on it, if any)."""
    return render_to_string("meetings/_meeting_row.html", {"meeting": meeting})


def _kept_key(name: str, scopes: list[str], *parts) -> str:
    """The key of a list kept under these scopes' current versions (read now, before
    anything the list shows), hashed: a person's scopes are many."""
    version = hashlib.sha256(pagecache.version(*scopes).encode()).hexdigest()
    return ":".join(map(str, ["meetings", name, version, *parts]))


def _ends_of(meetings: list[Meeting]) -> list[datetime.datetime]:
    return [meeting.ends_at for meeting in meetings]


def _kept[K, T](
    wanted: dict[str, K],
    build: Callable[[list[K]], list[T]],
    now: datetime.datetime,
    ends: Callable[[T], list[datetime.datetime]] = _ends_of,
) -> list[T]:
    """For each key of `wanted` (which holds the versions of the scopes its value shows:
    read before anything it shows), the value kept there, or made by `build` (at once
    for all those not kept, from what their keys stand for); each kept until the first
    of its meetings `ends` (lists of meetings unless told): time passes with no write.
    One cache round trip when all are kept."""
    found = cache.get_many(list(wanted))
    values, missing = {}, []
    for key in wanted:
        kept = found.get(key)
        if kept is None or (kept["until"] is not None and kept["until"] < now):
            missing.append(key)
        else:
            values[key] = kept["value"]
    if missing:
        built = dict(zip(missing, build([wanted[key] for key in missing]), strict=True))
        cache.set_many(
            {
                key: {"value": value, "until": min(ends(value), default=None)}
                for key, value in built.items()
            },
            pagecache.PAGE_SECONDS,
        )
        values.update(built)
    return [values[key] for key in wanted]


def _networks_next(
    network_ids: list[int], limit: int, now: datetime.datetime
) -> list[list[Meeting]]:
    """Each network's first `limit` upcoming network-wide meetings (not its workhubs'), as
    every active member sees them: published or cancelled, each with its row, which
    says nothing about the person (meeting_row). One query for all."""
    listed = Meeting.objects.listed().filter(workhub__isnull=True).upcoming(now)
    # Each network's first few, each an ordered walk of the (network, starts_at) index.
    firsts = [listed.filter(network_id=pk).values("pk")[:limit] for pk in network_ids]
    by_network: dict[int, list[Meeting]] = {pk: [] for pk in network_ids}
    for meeting in (
        Meeting.objects.filter(pk_in_any(*firsts)).for_lists().order_by("starts_at", "pk")
    ):
        meeting.my_registration = None
        meeting.row = meeting_row(meeting)
        by_network[meeting.network_id].append(meeting)
    return [by_network[pk] for pk in network_ids]


def _own_next(
    person: User, viewer: access.Viewer, limit: int, now: datetime.datetime
) -> list[Meeting]:
    """The person's first `limit` upcoming meetings from their workhubs and their
    registrations, with their live registration on each (`my_registration`) and their
    row, in one query."""
    mine = Meeting.objects.listed().filter(access.visible_meetings_q(viewer)).upcoming(now)
    _, *others = _personal_sources(person, viewer)
    # Each an ordered walk of its index, then the first of those.
    firsts = [mine.filter(source).values("pk")[:limit] for source in others]
    theirs = Registration.objects.live().filter(person=person, meeting=OuterRef("pk"))
    meetings = list(
        Meeting.objects.filter(pk_in_any(*firsts))
        .for_lists()
        .annotate(
            own_registration=Subquery(theirs.values("pk")[:1]),
            own_status=Subquery(theirs.values("status")[:1]),
        )
        .order_by("starts_at", "pk")[:limit]
    )
    for meeting in meetings:
        meeting.my_registration = None
        if meeting.own_registration:
            meeting.my_registration = Registration(
                pk=meeting.own_registration,
                meeting=meeting,
                person_id=person.pk,
                status=meeting.own_status,
            )
        meeting.row = meeting_row(meeting)
    return meetings


def _live_memberships_query(person_id: int) -> QuerySet[Membership]:
    # What the viewer and the networks' scopes need, no more: the network's address is
    # annotated, not joined in (a Prepared query's rows have nothing joined).
    return (
        Membership.objects.live()
        .filter(person_id=person_id)
        .only("status", "role", "network")
        .annotate(network_slug=F("network__slug"))
    )


# Asked on every visit of My schedule: compiled once (core.prepared).
_LIVE_MEMBERSHIPS = Prepared(Membership, _live_memberships_query, arity=1)


def _active_networks(memberships: list[Membership]) -> list[tuple[int, str]]:
    """The id and address of each network the person is an active member of, by id."""
    active = [membership for membership in memberships if membership.is_active]
    if all(
        Membership.network.is_cached(membership) or hasattr(membership, "network_slug")
        for membership in active
    ):
        found = [
            (membership.network_id, membership.network.slug)
            if Membership.network.is_cached(membership)
            else (membership.network_id, membership.network_slug)
            for membership in active
        ]
        return sorted(found)
    return list(
        Network.objects.filter(pk__in=[m.network_id for m in active])
        .order_by("pk")
        .values_list("pk", "slug")
    )


def _schedule_parts(
    person: User, memberships: Iterable[Membership] | None
) -> tuple[access.Viewer, list[tuple[int, str]], list[str]]:
    """The viewer, their active networks (id and address) and the scopes their schedule
    shows: their networks' meetings, and their own meetings (workhubs, registrations)
    under the scopes their personal feed shows (a meeting, registration, network,
    workhub, membership or workhub place written). Read from their live `memberships`,
    or by one query (compiled once) if the caller has not them in hand."""
    memberships = _LIVE_MEMBERSHIPS.rows(person.pk) if memberships is None else list(memberships)
    networks = _active_networks(memberships)
    scopes = [*PERSONAL_SCOPES, *(network_scope(slug) for _, slug in networks)]
    return access.viewer_with(person, memberships), networks, scopes


def my_schedule(
    person: User,
    *,
    limit: int = 20,
    now: datetime.datetime | None = None,
    memberships: Iterable[Membership] | None = None,
) -> dict:
    """The person's upcoming meetings with their registration on each: no query when
    they are kept, else one for their own and one for each network's not kept; one more
    if the caller has not the person's live `memberships` in hand (with their networks,
    else one more).

    Returns {"meetings": [Meeting, ...], "registrations": {meeting_id: Registration}},
    each meeting carrying `my_registration` (or None), the person's live registration
    with its key and status, and `row`, its row in the schedule (meeting_row).
    """
    now = now or timezone.now()
    if not person.is_active:
        return {"meetings": [], "registrations": {}}
    viewer, networks, scopes = _schedule_parts(person, memberships)
    key = _kept_key("schedule", scopes, person.pk, limit)
    [meetings] = _kept(
        {key: None}, lambda _: [_schedule_of(person, viewer, networks, limit, now)], now
    )
    registrations = {
        meeting.pk: meeting.my_registration for meeting in meetings if meeting.my_registration
    }
    return {"meetings": meetings, "registrations": registrations}


@dataclass(frozen=True)
class ScheduleList:
    """A person's schedule written (my_schedule_list): its text and its meetings' keys."""

    html: SafeString
    keys: list[int]


def my_schedule_list(
    person: User, *, limit: int = 20, memberships: Iterable[Membership] | None = None
) -> ScheduleList:
    """my_schedule, written (the schedule's list of meetings, or that there are none), kept
    for the person under the same scopes until its first meeting ends: no meeting to
    unpickle on a visit, only its text, and one cache round trip. No query when it is
    kept but one for their live `memberships` (which name the scopes) if the caller has
    not them in hand."""
    now = timezone.now()
    if not person.is_active:
        return ScheduleList(_schedule_list([]), [])
    viewer, networks, scopes = _schedule_parts(person, memberships)

    def build() -> dict:
        meetings = _schedule_of(person, viewer, networks, limit, now)
        written = ScheduleList(_schedule_list(meetings), [meeting.pk for meeting in meetings])
        return {"list": written, "until": min(_ends_of(meetings), default=None)}

    # The key names no scope: the versions kept with it are those of this person's
    # scopes now (their networks'), so a network more or less is a miss.
    found = pagecache.kept(
        f"meetings:schedule-list:{person.pk}:{limit}", scopes, build, fresh=_until(now)
    )
    return found["list"]


def _until(now: datetime.datetime) -> Callable[[dict], bool]:
    """Whether a kept value {"until": when its first meeting ends, ...} still holds."""
    return lambda found: found["until"] is None or found["until"] >= now


def _schedule_list(meetings: list[Meeting]) -> SafeString:
    return render_to_string(
        "meetings/_my_schedule.html#meetings", {"schedule": {"meetings": meetings}}
    )


def _schedule_of(
    person: User,
    viewer: access.Viewer,
    networks: list[tuple[int, str]],
    limit: int,
    now: datetime.datetime,
) -> list[Meeting]:
    """The first `limit` of the person's own meetings (one query) and of their networks'
    (each network's kept for all its members under its scope; one query for those not)."""
    wanted = {
        _kept_key("network-next", [network_scope(slug)], pk, limit): pk for pk, slug in networks
    }
    by_network = _kept(wanted, lambda missing: _networks_next(missing, limit, now), now)
    own = _own_next(person, viewer, limit, now)
    # A meeting they registered for is their own copy, with their registration.
    own_keys = {meeting.pk for meeting in own}
    shared = [meeting for found in by_network for meeting in found if meeting.pk not in own_keys]
    return sorted([*own, *shared], key=lambda meeting: (meeting.starts_at, meeting.pk))[:limit]
