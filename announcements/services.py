"""Writing and sending announcements: the only door for a change to one.

No permissions here (announcements.access decides who may call what); the rules of
the thing itself are: an announcement is addressed to an audience its network has
(announcements.targets), only a draft is edited, sent or discarded, only a scheduled
one is cancelled, an empty audience is not sent to, and the limits below hold.

The limits count what the database holds (sent and scheduled announcements, each on
the UK calendar day or month it goes out), under a lock on the network's row (and the
sender's), so two sends at once cannot both take the last place. The person who sends
or schedules an announcement is its author of record: their name is on it, and it
counts toward their day's limit, in every network.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from core import audit
from meetings.models import Meeting
from members.models import User
from networks.models import Network, Workhub

from . import audiences, sending, targets
from .models import Announcement

# How far ahead an announcement may be scheduled.
LONGEST_SCHEDULE = datetime.timedelta(days=365)
# What update_draft may change.
EDITABLE = ("subject", "body", "audience", "subgroup", "workhub", "meeting", "article", "is_urgent")


@dataclass(frozen=True)
class Audience:
    """An audience and the one it names (if any), checked against the network."""

    audience: str
    subgroup: Network | None = None
    workhub: Workhub | None = None
    meeting: Meeting | None = None


def check_audience(
    *,
    network: Network,
    audience: str,
    subgroup: Network | None = None,
    workhub: Workhub | None = None,
    meeting: Meeting | None = None,
) -> Audience:
    """The audience, if the network has it, keeping only the target it names; else a
    ValidationError on the field at fault."""
    kinds = Announcement.Audience
    if audience not in targets.audiences_of(network):
        if audience == kinds.SEAT_HOLDERS:
            raise ValidationError(
                {"audience": f"{network.label} is not school-based: it has no seat holders."}
            )
        raise ValidationError({"audience": "Choose who the announcement is for."})
    if audience == kinds.SUBGROUP:
        if subgroup is None or not targets.subgroups_of(network).filter(pk=subgroup.pk).exists():
            raise ValidationError({"subgroup": f"Choose one of {network.label}'s sub-groups."})
        return Audience(audience, subgroup=subgroup)
    if audience == kinds.WORKHUB:
        if workhub is None or not targets.workhubs_of(network).filter(pk=workhub.pk).exists():
            raise ValidationError(
                {"workhub": f"Choose one of {network.label}'s workhubs of this year."}
            )
        return Audience(audience, workhub=workhub)
    if audience in (kinds.MEETING, kinds.ATTENDED, kinds.NO_SHOWS):
        _check_meeting(network, audience, meeting)
        return Audience(audience, meeting=meeting)
    return Audience(audience)


def _check_meeting(network: Network, audience: str, meeting: Meeting | None) -> None:
    """A meeting's people while it is to come; the people on its register (or those who had
    a place and are not) once it has taken place."""
    if audience == Announcement.Audience.MEETING:
        offered, what = targets.meetings_of(network), "published meetings still to come"
    else:
        offered, what = targets.held_meetings_of(network), "meetings that have taken place"
    if meeting is None or not offered.filter(pk=meeting.pk).exists():
        raise ValidationError({"meeting": f"Choose one of {network.label}'s {what}."})


def _check_article(network: Network, article: Article | None) -> None:
    if article is not None and (article.network_id != network.pk or not article.is_published):
        raise ValidationError({"article": f"Choose a published article of {network.label}."})


def _check_text(subject: str, body: str) -> None:
    errors = {}
    if not subject.strip():
        errors["subject"] = "Give the announcement a subject."
    if not body.strip():
        errors["body"] = "Write what the announcement says."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_draft(
    *,
    network: Network,
    author: User,
    subject: str,
    body: str,
    audience: str,
    subgroup: Network | None = None,
    workhub: Workhub | None = None,
    meeting: Meeting | None = None,
    article: Article | None = None,
    is_urgent: bool = False,
) -> Announcement:
    """A new draft, addressed to an audience of the network."""
    _check_text(subject, body)
    _check_article(network, article)
    checked = check_audience(
        network=network, audience=audience, subgroup=subgroup, workhub=workhub, meeting=meeting
    )
    return Announcement.objects.create(
        network=network,
        author=author,
        subject=subject.strip(),
        body=body,
        audience=checked.audience,
        subgroup=checked.subgroup,
        workhub=checked.workhub,
        meeting=checked.meeting,
        article=article,
        is_urgent=is_urgent,
    )


def _locked(announcement: Announcement) -> Announcement:
    return (
        Announcement.objects.select_for_update(of=("self",))
        .select_related("network")
        .get(pk=announcement.pk)
    )


def _not_a_draft(announcement: Announcement) -> ValidationError:
    if announcement.state == Announcement.State.SCHEDULED:
        return ValidationError(
            "This announcement is scheduled. Cancel sending it first: it goes back to being "
            "a draft."
        )
    return ValidationError("This announcement has already been sent.")


@transaction.atomic
def update_draft(*, announcement: Announcement, by: User, **fields: Any) -> Announcement:
    """Change a draft's text or audience (only a draft: a sent one is on record)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not an editable field of an announcement: {sorted(unknown)}")
    draft = _locked(announcement)
    if not draft.is_draft:
        raise _not_a_draft(draft)
    values = {name: getattr(draft, name) for name in EDITABLE} | fields
    _check_text(values["subject"], values["body"])
    _check_article(draft.network, values["article"])
    checked = check_audience(
        network=draft.network,
        audience=values["audience"],
        subgroup=values["subgroup"],
        workhub=values["workhub"],
        meeting=values["meeting"],
    )
    draft.subject = values["subject"].strip()
    draft.body = values["body"]
    draft.article = values["article"]
    draft.is_urgent = values["is_urgent"]
    draft.audience = checked.audience
    draft.subgroup, draft.workhub, draft.meeting = (
        checked.subgroup,
        checked.workhub,
        checked.meeting,
    )
    draft.save()
    return draft


# Limits -------------------------------------------------------------------------------


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The UK calendar day as a span of aware times (23 or 25 hours on the clock change)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    return start, end


def _month_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return _day_bounds(first)[0], _day_bounds(following)[0]


def _going_out_between(start: datetime.datetime, end: datetime.datetime) -> Q:
    """Announcements sent in the span, or scheduled to go in it."""
    return Q(
        state__in=(Announcement.State.SENDING, Announcement.State.SENT),
        sent_at__gte=start,
        sent_at__lt=end,
    ) | Q(state=Announcement.State.SCHEDULED, send_at__gte=start, send_at__lt=end)


def _day_words(day: datetime.date) -> str:
    today = timezone.localdate()
    words = f"{day:%A} {day.day} {day:%B}"
    if day == today:
        return f"today ({words})"
    if day == today + datetime.timedelta(days=1):
        return f"tomorrow ({words})"
    return words


def check_limits(*, announcement: Announcement, by: User, goes_at: datetime.datetime) -> None:
    """Refuse, saying when they can send again, if sending (or scheduling) the
    announcement at `goes_at` would pass a limit. The caller holds the locks."""
    day = timezone.localdate(goes_at)
    others = Announcement.objects.exclude(pk=announcement.pk)
    on_the_day = others.filter(_going_out_between(*_day_bounds(day)))
    next_day = _day_words(day + datetime.timedelta(days=1))
    network = announcement.network

    per_sender = settings.ANNOUNCEMENTS_PER_SENDER_PER_DAY
    if on_the_day.filter(author=by).count() >= per_sender:
        raise ValidationError(
            f"You already have {per_sender} announcements sent or scheduled for "
            f"{_day_words(day)}, the most one person may send in a day. You can send again "
            f"from {next_day}: schedule this one for then or later."
        )
    per_network = settings.ANNOUNCEMENTS_PER_NETWORK_PER_DAY
    if on_the_day.filter(network=network).count() >= per_network:
        raise ValidationError(
            f"{network.label} already has {per_network} announcements sent or scheduled for "
            f"{_day_words(day)}, the most a network may send in a day. It can send again from "
            f"{next_day}: schedule this one for then or later."
        )
    if announcement.is_urgent:
        urgent = settings.URGENT_ANNOUNCEMENTS_PER_MONTH
        start, end = _month_bounds(day)
        if (
            others.filter(_going_out_between(start, end), network=network, is_urgent=True).count()
            >= urgent
        ):
            following = timezone.localdate(end)
            raise ValidationError(
                f"{network.label} has already sent or scheduled {urgent} urgent announcements "
                f"in {day:%B %Y}, the most a network may mark urgent in a month. It can mark "
                f"one urgent again from {following.day} {following:%B %Y}. Until then, send "
                "this one without the urgent mark (edit it), or schedule it for then."
            )


# Sending ------------------------------------------------------------------------------


def _audit(announcement: Announcement, action: str, summary: str, by: User, before: str) -> None:
    audit.record(
        obj=announcement,
        action=action,
        summary=summary,
        actor=by,
        network_id=announcement.network_id,
        changes={"State": [before, announcement.get_state_display()]},
    )


@transaction.atomic
def send_announcement(
    *,
    announcement: Announcement,
    by: User,
    send_at: datetime.datetime | None = None,
    notify: bool = True,
) -> Announcement:
    """Send a draft now, or schedule it for `send_at` if that is still to come.

    Refuses one already sent or scheduled, one whose audience is gone or empty, and one
    that would pass a limit. The fan-out starts when the transaction commits.

    With `notify=False` (demonstration data only: seed_demo, which emails nobody) it is
    sent now and recorded as sent to its audience, each copy's row written, without
    emailing anyone (sending.record_sent_without_email).
    """
    if not notify and send_at is not None:
        raise ValueError("An announcement recorded without email is sent now, not scheduled.")
    # The network's row first, then the sender's: every send takes them in this order, so
    # two sends at once wait for each other and count each other's rows.
    Network.objects.select_for_update().filter(pk=announcement.network_id).first()
    User.objects.select_for_update().filter(pk=by.pk).first()
    draft = _locked(announcement)
    if not draft.is_draft:
        raise _not_a_draft(draft)
    # The audience may have gone since the draft was saved (a meeting ended, a year turned).
    check_audience(
        network=draft.network,
        audience=draft.audience,
        subgroup=draft.subgroup,
        workhub=draft.workhub,
        meeting=draft.meeting,
    )
    now = timezone.now()
    goes_at = send_at if send_at is not None and send_at > now else now
    later = goes_at > now
    if goes_at - now > LONGEST_SCHEDULE:
        raise ValidationError(
            {"send_at": "An announcement can be scheduled up to a year ahead, no further."}
        )
    check_limits(announcement=draft, by=by, goes_at=goes_at)
    if audiences.reach(draft).people == 0:
        raise ValidationError(
            f"Nobody is in this announcement's audience yet ({draft.audience_text}), so it "
            "would reach no one. Choose another audience."
        )
    draft.author = by
    words = draft.audience_text
    if later:
        draft.state = Announcement.State.SCHEDULED
        draft.send_at = goes_at
        draft.save()
        when = f"{timezone.localtime(goes_at):%d %b %Y %H:%M}"
        _audit(draft, "announcement.scheduled", f"Scheduled for {when}, to {words}", by, "Draft")
    else:
        draft.state = Announcement.State.SENDING
        draft.send_at = None
        draft.sent_at = now
        draft.save()
        if notify:
            _audit(draft, "announcement.sent", f"Sent to {words}", by, "Draft")
            sending.start_sending(draft)
        else:
            summary = f"Sent to {words} (demonstration data: nobody was emailed)"
            _audit(draft, "announcement.sent", summary, by, "Draft")
            sending.record_sent_without_email(draft)
    return draft


@transaction.atomic
def cancel_scheduled(*, announcement: Announcement, by: User) -> Announcement:
    """Stop a scheduled announcement before it goes: it is a draft again."""
    scheduled = _locked(announcement)
    if scheduled.state != Announcement.State.SCHEDULED:
        if scheduled.is_draft:
            raise ValidationError("This announcement is a draft: it is not scheduled.")
        raise ValidationError("This announcement has already been sent: it cannot be stopped.")
    scheduled.state = Announcement.State.DRAFT
    scheduled.send_at = None
    scheduled.save()
    _audit(
        scheduled,
        "announcement.cancelled",
        f"Scheduled sending cancelled, to {scheduled.audience_text}",
        by,
        "Scheduled",
    )
    return scheduled


@transaction.atomic
def discard_draft(*, announcement: Announcement, by: User) -> None:
    """Delete a draft (only a draft: a sent one stays on record)."""
    draft = _locked(announcement)
    if not draft.is_draft:
        raise _not_a_draft(draft)
    audit.record(
        obj=draft,
        action="announcement.discarded",
        summary="Draft discarded",
        actor=by,
        network_id=draft.network_id,
        changes={"State": ["Draft", "Discarded"]},
    )
    draft.delete()
