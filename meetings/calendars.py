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
from django.db.models import Count, Max
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from networks import access as network_access

from . import access
from .models import LONDON, Meeting, Registration, one_line

PRODID = "-//Headnet//Meetings//EN"


def uid_of(meeting: Meeting) -> str:
    return f"{meeting.uid}@headnet"


# Serialising an event is most of a feed's cost (about a millisecond each with
# icalendar), and a member of a busy national network has thousands in their
# feed. Each event's text is kept in the cache under a digest of everything it
# says, so a changed meeting (or network name, venue, link) simply gets a new key.
EVENT_SECONDS = 7 * 24 * 60 * 60


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
    """Everything an event says: its cache key is a digest of these."""

    uid: str
    sequence: int
    updated_at: datetime.datetime
    created_at: datetime.datetime
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    title: str
    cancelled: bool
    url: str
    description: str
    location: str


def _facts_of(meeting: Meeting, site: str, may_see_link: bool) -> _EventFacts:
    # Text as people typed it (a title saved before titles were kept on one line, a
    # network's name) goes through one_line: a line break in the wrong property breaks
    # the file, and control characters have no place in one.
    url = site + meeting.get_absolute_url()
    lines = [f"{one_line(meeting.network.name)}. {meeting.get_kind_display()}."]
    if meeting.is_cancelled and meeting.cancel_reason:
        lines.append(f"Cancelled: {one_line(meeting.cancel_reason)}")
    link = meeting.online_url if meeting.is_online and may_see_link else ""
    if link:
        lines.append(f"Join online: {link}")
    lines.append(f"Details: {url}")
    location = one_line(meeting.venue, ", ") if meeting.format != Meeting.Format.ONLINE else ""
    if link and meeting.format == Meeting.Format.ONLINE:
        location = link
    return _EventFacts(
        uid=uid_of(meeting),
        sequence=meeting.sequence,
        updated_at=meeting.updated_at,
        created_at=meeting.created_at,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        # Named by the network: in a calendar among others, "Spring meeting" alone says
        # nothing of whose it is.
        title=f"{'Cancelled: ' if meeting.is_cancelled else ''}"
        f"{one_line(meeting.network.label)}: {one_line(meeting.title)}",
        cancelled=meeting.is_cancelled,
        url=url,
        description="\n".join(lines),
        location=location,
    )


def _event_key(facts: _EventFacts) -> str:
    return "ics:event:" + hashlib.sha256(repr(facts).encode()).hexdigest()


def _event(facts: _EventFacts) -> Event:
    event = Event()
    event.add("uid", facts.uid)
    event.add("sequence", facts.sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", facts.updated_at)
    event.add("created", facts.created_at)
    event.add("dtstart", facts.starts_at.astimezone(LONDON))
    event.add("dtend", facts.ends_at.astimezone(LONDON))
    event.add("summary", facts.title)
    event.add("status", "CANCELLED" if facts.cancelled else "CONFIRMED")
    event.add("url", facts.url)
    event.add("description", facts.description)
    if facts.location:
        event.add("location", facts.location)
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
