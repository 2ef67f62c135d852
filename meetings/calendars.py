"""Calendar files (RFC 5545) with the icalendar library.

Every meeting keeps one UID for life and raises SEQUENCE on each change, so
calendar apps update the event in place; a cancelled meeting stays with
STATUS:CANCELLED so it disappears from people's calendars rather than lingering.
Times carry the Europe/London zone and its VTIMEZONE.
"""

import datetime
import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from networks import access as network_access

from . import access
from .models import LONDON, Meeting, Registration, one_line

PRODID = "-//Headnet//Meetings//EN"


def uid_of(meeting: Meeting) -> str:
    return f"{meeting.uid}@headnet"


# What a feed carries: what calendar apps need, the past three months (this term's
# meetings to look back on) and everything not yet ended, however far ahead. A
# meeting that ended earlier drops out of the feeds (and so out of the calendars
# subscribed to them; its own page and .ics file stay). A cancelled meeting in the
# window stays, marked cancelled, so calendars that hold it take it out. The window
# also keeps a feed from growing with every year of a network's meetings.
FEED_HISTORY = datetime.timedelta(days=92)

# The columns an event is made from: a feed loads these and no others (a meeting's
# agenda alone can be longer than its event).
EVENT_FIELDS = (
    "uid", "sequence", "updated_at", "created_at", "starts_at", "ends_at", "title", "kind",
    "state", "cancel_reason", "format", "online_url", "venue_address",
    "network", "network__name", "network__short_name",
    "venue_school", "venue_school__name", "venue_school__town",
)  # fmt: skip


def feed_meetings(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings of `meetings` a feed lists (those in its window), in order, with what
    their events are made from."""
    return (
        meetings.filter(ends_at__gte=timezone.now() - FEED_HISTORY)
        .select_related("network", "venue_school")
        .only(*EVENT_FIELDS)
        .order_by("starts_at", "pk")
    )


# Serialising an event is most of a feed's cost (about a millisecond each with
# icalendar), and a member of a busy national network has thousands in their
# feed. Each event's text is kept in the cache under a digest of everything it
# is made from, so a changed meeting (or network name, venue, link) simply gets a
# new key. The facts are read as stored and the text is composed only for an event
# not in the cache: a feed whose events are all cached does no text work.
# EVENT_FORMAT is part of the key: raise it when _event writes an event differently
# or a meeting's address changes form.
EVENT_SECONDS = 7 * 24 * 60 * 60
EVENT_FORMAT = 2


def build_calendar(
    meetings: Iterable[Meeting], *, name: str, show_link: Callable[[Meeting], bool]
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))
    calendar.add("x-wr-timezone", "Europe/London")
    site = settings.SITE_URL.rstrip("/")
    facts = [_facts_of(meeting, site, show_link(meeting)) for meeting in meetings]
    keyed = [(_event_key(event), event) for event in facts]
    events = cache.get_many([key for key, _ in keyed])
    missing = {key: _event(event).to_ical() for key, event in keyed if key not in events}
    if missing:
        cache.set_many(missing, EVENT_SECONDS)
        events |= missing
    head = calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n")
    zone = _london(facts) if facts else b""
    body = b"".join(events[key] for key, _ in keyed)
    return head + zone + body + b"END:VCALENDAR\r\n"


@dataclass(frozen=True)
class _EventFacts:
    """Everything an event is made from, as stored: its cache key is a digest of these."""

    pk: int
    uid: str
    sequence: int
    updated_at: datetime.datetime
    created_at: datetime.datetime
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    title: str
    network_name: str
    network_label: str
    kind: str
    cancelled: bool
    cancel_reason: str
    online_only: bool
    link: str
    venue: str
    site: str


def _facts_of(meeting: Meeting, site: str, may_see_link: bool) -> _EventFacts:
    return _EventFacts(
        pk=meeting.pk,
        uid=uid_of(meeting),
        sequence=meeting.sequence,
        updated_at=meeting.updated_at,
        created_at=meeting.created_at,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        title=meeting.title,
        network_name=meeting.network.name,
        network_label=meeting.network.label,
        kind=_kind_label(meeting.kind),
        cancelled=meeting.is_cancelled,
        cancel_reason=meeting.cancel_reason if meeting.is_cancelled else "",
        online_only=meeting.format == Meeting.Format.ONLINE,
        link=meeting.online_url if meeting.is_online and may_see_link else "",
        venue=meeting.venue,
        site=site,
    )


@functools.cache
def _kind_label(kind: str) -> str:
    return Meeting(kind=kind).get_kind_display()


def _event_key(facts: _EventFacts) -> str:
    digest = hashlib.sha256(repr(facts).encode()).hexdigest()
    return f"ics:event:{EVENT_FORMAT}:{digest}"


def _event(facts: _EventFacts) -> Event:
    # Text as people typed it (a title saved before titles were kept on one line, a
    # network's name) goes through one_line: a line break in the wrong property breaks
    # the file, and control characters have no place in one.
    url = facts.site + Meeting(pk=facts.pk).get_absolute_url()
    lines = [f"{one_line(facts.network_name)}. {facts.kind}."]
    if facts.cancelled and facts.cancel_reason:
        lines.append(f"Cancelled: {one_line(facts.cancel_reason)}")
    if facts.link:
        lines.append(f"Join online: {facts.link}")
    lines.append(f"Details: {url}")
    location = "" if facts.online_only else one_line(facts.venue, ", ")
    if facts.link and facts.online_only:
        location = facts.link
    event = Event()
    event.add("uid", facts.uid)
    event.add("sequence", facts.sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", facts.updated_at)
    event.add("created", facts.created_at)
    event.add("dtstart", facts.starts_at.astimezone(LONDON))
    event.add("dtend", facts.ends_at.astimezone(LONDON))
    # Named by the network: in a calendar among others, "Spring meeting" alone says
    # nothing of whose it is.
    event.add(
        "summary",
        f"{'Cancelled: ' if facts.cancelled else ''}"
        f"{one_line(facts.network_label)}: {one_line(facts.title)}",
    )
    event.add("status", "CANCELLED" if facts.cancelled else "CONFIRMED")
    event.add("url", url)
    event.add("description", "\n".join(lines))
    if location:
        event.add("location", location)
    return event


def _london(facts: list[_EventFacts]) -> bytes:
    """Europe/London's VTIMEZONE, with its changes over the years the events span."""
    first = min(event.starts_at for event in facts)
    last = max(event.ends_at for event in facts)
    return _london_for_years(first.year - 1, last.year + 1)


@functools.cache
def _london_for_years(first_year: int, last_year: int) -> bytes:
    zone = Timezone.from_tzid(
        "Europe/London",
        first_date=datetime.date(first_year, 1, 1),
        last_date=datetime.date(last_year, 12, 31),
    )
    return zone.to_ical()


def version_of(meetings, *extra) -> tuple[str, object]:
    """An ETag and Last-Modified for a feed, from one aggregate query.

    Counting the meetings catches one leaving the feed; the newest change time
    catches any edit (every change saves the meeting, raising updated_at).
    """
    stats = meetings.order_by().aggregate(
        count=Count("pk", distinct=True), newest=Max("updated_at")
    )
    key = f"{stats['count']}:{stats['newest']}:{':'.join(str(item) for item in extra)}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"', stats["newest"]


def meeting_file_for(*, meeting_id: int, person_id: int) -> tuple[str, bytes, str] | None:
    """One meeting's calendar file as the person may have it (its online link if they may
    see it), for the email confirming their place; made when the email is sent."""
    meeting = (
        Meeting.objects.filter(pk=meeting_id).select_related("network", "venue_school").first()
    )
    registration = (
        Registration.objects.live().filter(meeting_id=meeting_id, person_id=person_id)
        .select_related("person").first()
    )  # fmt: skip
    if meeting is None or registration is None:
        return None  # given up since, or gone: nothing to add to a calendar
    perms = network_access.for_network(registration.person, meeting.network)
    link = access.can_see_online_link(perms, meeting, registration)
    body = build_calendar([meeting], name=meeting.title, show_link=lambda _meeting: link)
    return f"meeting-{meeting.pk}.ics", body, "text/calendar"
