"""What meetings tells the apps above it: a published meeting changed, or was called off.

Meetings emails the people it knows were told of the meeting: those registered and, for
a cancellation, the members who may see it. An app on a higher floor may have told
others (an announcement about the meeting); meetings may not import it, so it says what
happened here and that app tells its own people, with the same email
(docs/architecture.md, "The floors").

Both are sent inside the change's transaction, after meetings' own emails are queued:
an email is a row queued in the same transaction, so a change that rolls back tells
nobody, and one that stays tells everyone.
"""

from django.dispatch import Signal

# A published meeting changed in a way people must know of. Arguments:
# meeting (as it is now), changes (list[str]: what changed, in the email's words,
# meetings.changes.what_changed), told (set[int]: the ids of the people meetings emailed).
meeting_changed = Signal()

# A published meeting was called off. Arguments: meeting (cancelled, with its reason),
# told (set[int]: the ids of the people meetings emailed).
meeting_cancelled = Signal()

# A person followed Headnet's "Join the call" link of an online or hybrid meeting.
# Arguments: meeting, person, at (datetime). Attendance counts it if it falls in the
# meeting's window.
meeting_joined = Signal()
