"""What changed about a meeting, in the words its change email uses.

Everyone told of a change reads the same lines (the people registered, and those an
announcement told of the meeting), so they are written here once, from the meeting as it
was and as it is now. The online link itself is never in them: not everyone told of a
meeting may see it, so the email sends them to the meeting's page for it.
"""

import datetime

from django.utils.dateformat import format as format_date

from .models import Meeting

DAY_AND_TIME = "l j F Y, H:i"
DAY = "l j F Y"
TIME = "H:i"
Format = Meeting.Format


def _ends(start: datetime.datetime, end: datetime.datetime) -> str:
    """The end as a time, or a day and time when it is not on the day it starts."""
    return format_date(end, TIME if end.date() == start.date() else DAY_AND_TIME)


def _time_change(before: Meeting, after: Meeting) -> list[str]:
    old_start, old_end = before.local_start, before.local_end
    new_start, new_end = after.local_start, after.local_end
    if (old_start, old_end) == (new_start, new_end):
        return []
    if old_start == new_start:
        return [f"Now ends at {_ends(new_start, new_end)} instead of {_ends(old_start, old_end)}."]
    if old_start.date() == new_start.date():
        moved = (
            f"Moved from {format_date(old_start, TIME)} to {format_date(new_start, TIME)} "
            f"on {format_date(new_start, DAY)}."
        )
    else:
        moved = (
            f"Moved from {format_date(old_start, DAY_AND_TIME)} "
            f"to {format_date(new_start, DAY_AND_TIME)}."
        )
    if new_end - new_start != old_end - old_start:
        moved += f" It now ends at {_ends(new_start, new_end)}."
    return [moved]


# A change of format, in words, from the venue before and the venue after.
FORMAT_CHANGES = {
    (Format.IN_PERSON, Format.ONLINE): "Now online, no longer at {before}.",
    (Format.HYBRID, Format.ONLINE): "Now online only, no longer also at {before}.",
    (Format.ONLINE, Format.IN_PERSON): "Now in person at {after}, no longer online.",
    (Format.ONLINE, Format.HYBRID): "Now also in person at {after}, as well as online.",
    # These two only while the venue stays: see _venue_and_format.
    (Format.IN_PERSON, Format.HYBRID): "Now also online, as well as at {after}.",
    (Format.HYBRID, Format.IN_PERSON): "Now in person only, at {after}: no longer online.",
}


def _where(meeting: Meeting) -> str:
    if meeting.format == Format.ONLINE:
        return "online"
    if meeting.format == Format.HYBRID:
        return f"at {meeting.venue} and online"
    return f"at {meeting.venue}"


def _venue_and_format(before: Meeting, after: Meeting) -> str | None:
    same_venue = before.venue == after.venue
    if before.format == after.format:
        if after.format == Format.ONLINE or same_venue:
            return None
        return f"Now at {after.venue} instead of {before.venue}."
    if before.format != Format.ONLINE and after.format != Format.ONLINE and not same_venue:
        return f"Now {_where(after)} instead of {_where(before)}."
    return FORMAT_CHANGES[(before.format, after.format)].format(
        before=before.venue, after=after.venue
    )


def _place_change(before: Meeting, after: Meeting) -> list[str]:
    """The venue and the format, from what to what; a new online link, without it."""
    line = _venue_and_format(before, after)
    if line and after.is_online and not before.is_online:
        line = line.removesuffix(".") + ": the link is on the meeting's page."
    lines = [line] if line else []
    if before.is_online and after.is_online and before.online_url != after.online_url:
        lines.append("The online link has changed: the new one is on the meeting's page.")
    return lines


def what_changed(before: Meeting, after: Meeting) -> list[str]:
    """Each change people must know of, as a sentence: the title, the time, the place."""
    lines = []
    if before.title != after.title:
        lines.append(f'Now called "{after.title}" (it was "{before.title}").')
    return lines + _time_change(before, after) + _place_change(before, after)
