"""Calendar files (RFC 5545) with the icalendar library.

Every meeting keeps one UID for life and raises SEQUENCE on each change, so
calendar apps update the event in place; a cancelled meeting stays with
STATUS:CANCELLED so it disappears from people's calendars rather than lingering.
Times carry the Europe/London zone and its VTIMEZONE.
"""

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone
from icalendar import Calendar, Event

from .models import LONDON, Meeting

PRODID = "-//Headnet//Meetings//EN"


def uid_of(meeting: Meeting) -> str:
    return f"{meeting.uid}@headnet"


def build_calendar(
    meetings: Iterable[Meeting], *, name: str, show_link: Callable[[Meeting], bool]
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    site = settings.SITE_URL.rstrip("/")
    for meeting in meetings:
        event = Event()
        event.add("uid", uid_of(meeting))
        event.add("sequence", meeting.sequence)
        event.add("dtstamp", timezone.now())
        event.add("last-modified", meeting.updated_at)
        event.add("created", meeting.created_at)
        event.add("dtstart", meeting.starts_at.astimezone(LONDON))
        event.add("dtend", meeting.ends_at.astimezone(LONDON))
        title = meeting.title
        if meeting.is_cancelled:
            title = f"Cancelled: {title}"
        event.add("summary", title)
        event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
        url = site + meeting.get_absolute_url()
        event.add("url", url)
        lines = [f"{meeting.network.name}. {meeting.get_kind_display()}."]
        if meeting.is_cancelled and meeting.cancel_reason:
            lines.append(f"Cancelled: {meeting.cancel_reason}")
        link = meeting.online_url if meeting.is_online and show_link(meeting) else ""
        if link:
            lines.append(f"Join online: {link}")
        lines.append(f"Details: {url}")
        event.add("description", "\n".join(lines))
        location = meeting.venue if meeting.format != Meeting.Format.ONLINE else ""
        if link and meeting.format == Meeting.Format.ONLINE:
            location = link
        if location:
            event.add("location", location)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


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
