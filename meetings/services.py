"""Meeting workflows. No request, no permission checks: callers decide who may."""

import datetime
from collections.abc import Iterable
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core import audit
from core.email import queue_templated_email
from core.prepared import Prepared
from members.models import School, User
from networks.models import EmailPreference, Membership, Network, Workhub
from networks.services import choices_for

from . import access, signals
from . import series as series_rules
from .changes import what_changed
from .models import LONDON, CalendarFeed, Meeting, MeetingSeries, Paper, Registration
from .papers import check_paper
from .terms import terms_for


class MeetingDetails(TypedDict, total=False):
    """What a coordinator sets on a meeting, but for its workhub; any of it, when changing
    one."""

    title: str
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    format: str
    venue_school: School | None
    venue_address: str
    online_url: str
    agenda: str
    capacity: int | None
    registration_required: bool
    audience: str


class MeetingFields(MeetingDetails, total=False):
    """A meeting's details and its workhub."""

    workhub: Workhub | None


EDITABLE_FIELDS = tuple(MeetingFields.__annotations__)
# A change to any of these reaches registered people by email and calendars by SEQUENCE.
MATERIAL_FIELDS = ("title", "starts_at", "ends_at", "format", "venue_school", "venue_address",
                   "online_url")  # fmt: skip


def _audit(
    meeting: Meeting, action: str, summary: str, by: User | None, changes: audit.Changes
) -> None:
    audit.record(
        obj=meeting,
        action=action,
        summary=summary,
        actor=by,
        network_id=meeting.network_id,
        changes=changes,
        object_repr=f"{meeting.title} ({meeting.local_start:%d %b %Y})",
    )


def _checked(meeting: Meeting) -> Meeting:
    meeting.full_clean(exclude=["network", "series", "created_by", "uid"])
    return meeting


@transaction.atomic
def create_meeting(
    *, network: Network, by: User | None, **fields: Unpack[MeetingFields]
) -> Meeting:
    """A draft meeting of the network."""
    meeting = Meeting(network=network, created_by=by, state=Meeting.State.DRAFT, **fields)
    _checked(meeting).save()
    return meeting


@transaction.atomic
def create_series(
    *,
    network: Network,
    by: User | None,
    spec: series_rules.SeriesSpec,
    **fields: Unpack[MeetingFields],
) -> list[Meeting]:
    """Draft meetings on the dates of the rule, the venue rotating through spec.venues."""
    areas = list(network.areas.all())
    terms = terms_for(series_rules.years_spanned(spec), areas[0] if len(areas) == 1 else None)
    occurrences = series_rules.occurrences(spec, terms)
    if not occurrences:
        raise ValidationError("No dates match that rule: check the first date and the end date.")
    meeting_series = MeetingSeries.objects.create(
        network=network, rule=spec.rule, description=fields.get("title", "")
    )
    meetings = []
    for occurrence in occurrences:
        values = fields | {key: value for key, value in occurrence.items() if value is not None}
        meeting = Meeting(
            network=network, series=meeting_series, created_by=by, state=Meeting.State.DRAFT,
            **values,
        )  # fmt: skip
        meetings.append(_checked(meeting))
    for meeting in meetings:
        meeting.save()
    return meetings


@transaction.atomic
def plan_workhub_meeting(
    *, workhub: Workhub, by: User | None, **fields: Unpack[MeetingDetails]
) -> Meeting:
    """A meeting of the workhub, published at once (its members emailed as for any
    publishing): a workhub lead may plan one but sees no drafts, which are the
    coordinators'."""
    meeting = create_meeting(network=workhub.network, by=by, workhub=workhub, **fields)
    publish_meetings(meetings=[meeting], by=by)
    meeting.refresh_from_db()
    return meeting


def _shifted(
    meeting: Meeting,
    day_shift: datetime.timedelta,
    start_time: datetime.time,
    duration: datetime.timedelta,
) -> tuple[datetime.datetime, datetime.datetime]:
    day = meeting.local_start.date() + day_shift
    starts = datetime.datetime.combine(day, start_time, tzinfo=LONDON)
    return starts, starts + duration


def _this_and_following(meeting: Meeting, following: bool) -> list[Meeting]:
    """The meeting, and (asked for) the later meetings of its series not cancelled, locked."""
    targets = [meeting]
    if following and meeting.series_id:
        targets += list(
            Meeting.objects.select_for_update()
            .filter(series=meeting.series_id, starts_at__gt=meeting.starts_at)
            .exclude(state=Meeting.State.CANCELLED)
            .order_by("starts_at")
        )
    return targets


@transaction.atomic
def update_meeting(
    *, meeting: Meeting, changes: MeetingFields, following: bool = False, by: User | None = None
) -> list[Meeting]:
    """Change one meeting, or this one and the later ones of its series.

    For the later ones a new time of day and length apply on each one's own date
    (moved by as many days as this one moved). Registered people are told of
    material changes, in words that say what changed, and so is anyone an announcement
    told of the meeting (signals.meeting_changed); calendars see the SEQUENCE rise.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    wanted = {key: value for key, value in changes.items() if key in EDITABLE_FIELDS}
    changed = {key for key, value in wanted.items() if getattr(meeting, key) != value}
    if not changed:
        return []
    new_start = changes.get("starts_at", meeting.starts_at).astimezone(LONDON)
    new_end = changes.get("ends_at", meeting.ends_at).astimezone(LONDON)
    day_shift = new_start.date() - meeting.local_start.date()
    updated = []
    befores: dict[int, Meeting] = {}
    for target in _this_and_following(meeting, following):
        for key in changed - {"starts_at", "ends_at"}:
            setattr(target, key, wanted[key])
        if changed & {"starts_at", "ends_at"}:
            target.starts_at, target.ends_at = (
                (new_start, new_end)
                if target.pk == meeting.pk
                else _shifted(
                    target, day_shift, new_start.timetz().replace(tzinfo=None), new_end - new_start
                )
            )
        before = Meeting.objects.select_related("venue_school").get(pk=target.pk)
        befores[target.pk] = before
        target.sequence += 1
        _checked(target).save()
        updated.append(target)
        _audit(
            target,
            "meeting.changed",
            "Meeting changed",
            by,
            audit.model_changes(before, target, sorted(changed)),
        )
        if "capacity" in changed:
            _fill_places(target)
    if changed & set(MATERIAL_FIELDS):
        for target in updated:
            if target.is_published:
                _tell_of_change(target, what_changed(befores[target.pk], target))
    return updated


def _tell_of_change(meeting: Meeting, changes: list[str]) -> None:
    """The people registered, then (by the signal) anyone else told of the meeting."""
    if not changes:  # a later meeting of a series that already had the new value
        return
    registered = {
        registration.person
        for registration in meeting.registrations.live().select_related("person")
    }
    told = email_change(meeting=meeting, changes=changes, people=registered)
    signals.meeting_changed.send(sender=Meeting, meeting=meeting, changes=changes, told=told)


def email_change(
    *,
    meeting: Meeting,
    changes: list[str],
    people: Iterable[User],
    by_announcement: bool = False,
) -> set[int]:
    """Tell those of the people who may still see the meeting what changed (the lines of
    meetings.changes), one email each; the ids of those told. `by_announcement`: they
    were told of the meeting by an announcement, not by registering."""
    context = {"changes": changes, "by_announcement": by_announcement}
    return _tell(meeting, people, "meetings/email/meeting_changed", context)


def email_cancellation(
    *, meeting: Meeting, people: Iterable[User], memberships: list[Membership] | None = None
) -> set[int]:
    """Tell those of the people who may still see the meeting that it is off, one email
    each; the ids of those told. `memberships`: as access.who_may_see takes them."""
    return _tell(meeting, people, "meetings/email/meeting_cancelled", {}, memberships)


def _tell(
    meeting: Meeting,
    people: Iterable[User],
    template: str,
    context: dict[str, object],
    memberships: list[Membership] | None = None,
) -> set[int]:
    """One email to each of the people who may see the meeting; the ids of those told."""
    told = {person for person, _ in access.who_may_see(((p, meeting) for p in people), memberships)}
    context = {"meeting": meeting, "network": meeting.network, **context}
    for person in sorted(told, key=lambda person: person.email):
        queue_templated_email(template, to=[person.email], context=context)
    return {person.pk for person in told}


@transaction.atomic
def publish_meetings(*, meetings: list[Meeting], by: User | None = None) -> list[Meeting]:
    """Publish drafts and email each member of each network once, listing all of them."""
    now = timezone.now()
    published = []
    for meeting in Meeting.objects.select_for_update().filter(
        pk__in=[meeting.pk for meeting in meetings], state=Meeting.State.DRAFT
    ):
        _checked(meeting)
        meeting.state = Meeting.State.PUBLISHED
        meeting.published_at = now
        meeting.sequence += 1
        meeting.save(update_fields=["state", "published_at", "sequence", "updated_at"])
        published.append(meeting)
        _audit(
            meeting,
            "meeting.published",
            "Meeting published",
            by,
            {"State": [Meeting.State.DRAFT.label, Meeting.State.PUBLISHED.label]},
        )
    _announce(published)
    return published


def publish_meeting(
    *, meeting: Meeting, whole_series: bool = True, by: User | None = None
) -> list[Meeting]:
    """Publish a draft and, if asked, the other drafts of its series (one email per person)."""
    meetings = [meeting]
    if whole_series and meeting.series is not None:
        meetings = list(meeting.series.meetings.filter(state=Meeting.State.DRAFT))
    return publish_meetings(meetings=meetings, by=by)


def _announce(meetings: list[Meeting]) -> None:
    """One email to each active member of each network, listing the new meetings they may
    see (all of them, by the rule; it is asked all the same, as every email asks it) and
    want now by their email preference for the network, as for an announcement: every
    announcement, yes; a weekly digest, in the digest instead; urgent only or none, no.
    An urgent meeting counts as an urgent announcement."""
    by_network: dict[int, list[Meeting]] = {}
    for meeting in sorted(meetings, key=lambda meeting: meeting.starts_at):
        by_network.setdefault(meeting.network_id, []).append(meeting)
    for network_meetings in by_network.values():
        network = network_meetings[0].network
        memberships = list(
            network.memberships.active().filter(person__isnull=False).select_related("person")
        )
        choices = choices_for(network, {membership.holder.pk for membership in memberships})
        news: dict[User, list[Meeting]] = {}
        for person, meeting in access.who_may_see(
            (
                (membership.holder, meeting)
                for membership in memberships
                for meeting in network_meetings
                if EmailPreference.takes_at_once(
                    choices.get(membership.holder.pk, EmailPreference.Choice.EVERY),
                    urgent=meeting.kind == Meeting.Kind.URGENT,
                )
            ),
            memberships,
        ):
            news.setdefault(person, []).append(meeting)
        for person in sorted(news, key=lambda person: person.email):
            queue_templated_email(
                "meetings/email/meetings_published",
                to=[person.email],
                context={"network": network, "meetings": news[person]},
            )


@transaction.atomic
def cancel_meeting(
    *, meeting: Meeting, reason: str, by: User | None = None, notify: bool = True
) -> Meeting:
    """Cancel a published meeting; it stays in calendars as cancelled, and everyone told it
    was on (the network's members who may see it, when it was published; anyone an
    announcement told of it, by signals.meeting_cancelled) and everyone registered is
    told it is off. A draft is discarded instead: cancelling would show it to
    its audience. A meeting that has taken place cannot be called off."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_draft:
        raise ValidationError("A draft was never published: discard it instead of cancelling it.")
    if meeting.is_cancelled:
        raise ValidationError("This meeting is already cancelled.")
    if meeting.is_past:
        raise ValidationError("This meeting has taken place: it can no longer be cancelled.")
    if not reason.strip():
        raise ValidationError("Say why the meeting is cancelled.")
    before = meeting.get_state_display()
    meeting.state = Meeting.State.CANCELLED
    meeting.cancel_reason = reason.strip()
    meeting.sequence += 1
    meeting.save(update_fields=["state", "cancel_reason", "sequence", "updated_at"])
    _audit(
        meeting,
        "meeting.cancelled",
        "Meeting cancelled",
        by,
        {"State": [before, meeting.get_state_display()], "Reason": ["", meeting.cancel_reason]},
    )
    if notify:  # not for demonstration data, which emails nobody
        _tell_of_cancellation(meeting)
    return meeting


def _tell_of_cancellation(meeting: Meeting) -> None:
    """The people publishing told (each active member who may see it, as _announce) and the
    people registered who may still see it; then (by the signal) anyone else told of it."""
    memberships = list(
        meeting.network.memberships.active().filter(person__isnull=False).select_related("person")
    )
    people = {membership.holder for membership in memberships} | {
        registration.person
        for registration in meeting.registrations.live().select_related("person")
    }
    # Only an active membership counts, so the active ones are all the rule needs.
    told = email_cancellation(meeting=meeting, people=people, memberships=memberships)
    signals.meeting_cancelled.send(sender=Meeting, meeting=meeting, told=told)


@transaction.atomic
def discard_draft(*, meeting: Meeting, whole_series: bool = False, by: User | None = None) -> int:
    """Delete a draft (and, if asked, the other drafts of its series) with its papers.

    Only coordinators ever saw a draft, so nobody is told and no calendar keeps it; a
    published meeting is cancelled instead. Returns how many drafts were discarded.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.is_draft:
        raise ValidationError("Only a draft can be discarded: cancel a published meeting.")
    drafts = [meeting]
    if whole_series and meeting.series_id:
        drafts = list(
            Meeting.objects.select_for_update()
            .filter(series=meeting.series_id, state=Meeting.State.DRAFT)
            .order_by("starts_at", "pk")
        )
    files = list(Paper.objects.filter(meeting__in=drafts).values_list("file", flat=True))
    for draft in drafts:
        _audit(draft, "meeting.discarded", "Draft discarded", by, {"State": ["Draft", "Discarded"]})
    Meeting.objects.filter(pk__in=[draft.pk for draft in drafts]).delete()
    if meeting.series_id and not Meeting.objects.filter(series=meeting.series_id).exists():
        MeetingSeries.objects.filter(pk=meeting.series_id).delete()
    # The files go once the rows are gone for good (not if the transaction rolls back).
    transaction.on_commit(lambda: _delete_files(files))
    return len(drafts)


def _delete_files(names: Iterable[str | None]) -> None:
    storage = Paper._meta.get_field("file").storage
    for name in names:
        if name:  # a FieldFile's name is None only without a file
            storage.delete(name)


@transaction.atomic
def duplicate_meeting(*, meeting: Meeting, by: User | None, as_session: bool = False) -> Meeting:
    """A draft copy a week later; as_session links both as sessions of one briefing."""
    copy = Meeting(
        network=meeting.network,
        created_by=by,
        state=Meeting.State.DRAFT,
        **{key: getattr(meeting, key) for key in EDITABLE_FIELDS},
    )
    copy.starts_at += datetime.timedelta(days=7)
    copy.ends_at += datetime.timedelta(days=7)
    if as_session:
        if meeting.series_id is None:
            meeting.series = MeetingSeries.objects.create(
                network=meeting.network, rule=MeetingSeries.Rule.SESSIONS,
                description=meeting.title,
            )  # fmt: skip
            meeting.save(update_fields=["series", "updated_at"])
        copy.series = meeting.series
    copy.save()
    return copy


@transaction.atomic
def create_urgent_meeting(
    *, network: Network, by: User | None, title: str, starts_at: datetime.datetime,
    minutes: int, online_url: str,
) -> Meeting:  # fmt: skip
    """A short online meeting at short notice: published and emailed at once to all members
    but those who want no announcements (it counts as an urgent one)."""
    if starts_at < timezone.now() - datetime.timedelta(minutes=5):
        raise ValidationError("An urgent meeting must start now or later.")
    meeting = create_meeting(
        network=network,
        by=by,
        title=title,
        kind=Meeting.Kind.URGENT,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        format=Meeting.Format.ONLINE,
        online_url=online_url,
        registration_required=False,
        audience=Meeting.Audience.MEMBERS,
    )
    publish_meetings(meetings=[meeting], by=by)
    meeting.refresh_from_db()
    return meeting


# Registration


def _live_registration(meeting: Meeting, person: User) -> Registration | None:
    return Registration.objects.live().filter(meeting=meeting, person=person).first()


def _locked_sessions(meeting: Meeting) -> dict[int, Meeting]:
    """The meeting and, when it is one session of a briefing given in several places, its
    other sessions: every row locked, in one order (two people moving between two
    sessions at once must not each hold one lock and wait for the other)."""
    pks = Q(pk=meeting.pk)
    if (
        meeting.series_id
        and MeetingSeries.objects.filter(
            pk=meeting.series_id, rule=MeetingSeries.Rule.SESSIONS
        ).exists()
    ):
        pks |= Q(series_id=meeting.series_id)
    rows = Meeting.objects.select_for_update().filter(pks).select_related("network").order_by("pk")
    return {row.pk: row for row in rows}


@transaction.atomic
def register(*, meeting: Meeting, person: User, confirm: bool = True) -> Registration:
    """A place if one is free, otherwise the waiting list; idempotent; confirmed by email,
    with the meeting's calendar file for a place.

    The meeting row is locked while the places are counted, so concurrent
    registrations for the last places queue behind each other and never exceed
    the capacity; the unique constraint stops a double click making two.

    One place per briefing given in several sessions: registering for one session moves
    the person from another (that place goes to the first person waiting there), except
    into a full session from a place they hold, which they keep.
    """
    sessions = _locked_sessions(meeting)
    meeting = sessions[meeting.pk]
    if not meeting.takes_registrations:
        raise ValidationError("This meeting is not taking registrations.")
    existing = _live_registration(meeting, person)
    if existing:
        return existing
    going = meeting.registrations.filter(status=Registration.Status.GOING).count()
    full = meeting.capacity is not None and going >= meeting.capacity
    elsewhere = list(
        Registration.objects.live().filter(
            person=person, meeting_id__in=[pk for pk in sessions if pk != meeting.pk]
        )
    )
    held = next((other for other in elsewhere if other.is_going), None)
    if full and held:
        day = sessions[held.meeting_id].local_start
        raise ValidationError(
            f"This session is full: you keep your place at the session on {day:%A %-d %B}."
        )
    status = Registration.Status.WAITING if full else Registration.Status.GOING
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                meeting=meeting, person=person, status=status
            )
    except IntegrityError:
        existing = _live_registration(meeting, person)
        if existing is None:
            raise
        return existing
    for other in elsewhere:
        other.status = Registration.Status.CANCELLED
        other.save(update_fields=["status", "updated_at"])
        _fill_places(sessions[other.meeting_id])
    if confirm:  # not for demonstration data, which emails nobody
        _confirm(registration, meeting, moved_from=[sessions[o.meeting_id] for o in elsewhere])
    return registration


def _confirm(registration: Registration, meeting: Meeting, moved_from: list[Meeting]) -> None:
    """Tell the person they have a place (with the calendar file) or are waiting."""
    queue_templated_email(
        "meetings/email/registered",
        to=[registration.person.email],
        context={
            "meeting": meeting,
            "network": meeting.network,
            "registration": registration,
            "moved_from": moved_from,
        },
        attachment={
            "maker": "meeting_ics",
            "ids": {"meeting_id": meeting.pk, "person_id": registration.person_id},
        }
        if registration.is_going
        else None,
    )


@transaction.atomic
def cancel_registration(*, meeting: Meeting, person: User) -> Registration:
    """Give up a place (or leave the waiting list); the first person waiting moves up."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    registration = _live_registration(meeting, person)
    if registration is None:
        raise ValidationError("You are not registered for this meeting.")
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    _fill_places(meeting)
    return registration


def _fill_places(meeting: Meeting) -> list[Registration]:
    """Move people up from the waiting list into free places, in order, and tell them.

    Called with the meeting row locked."""
    waiting = list(
        meeting.registrations.filter(status=Registration.Status.WAITING)
        .order_by("created_at", "pk")
        .select_related("person")
    )
    # A place goes only to someone who may still see the meeting: not, say, to a
    # lapsed member waiting for a members' meeting (they stay on the list).
    allowed = {
        person.pk
        for person, _ in access.who_may_see(
            (registration.person, meeting) for registration in waiting
        )
    }
    waiting = [registration for registration in waiting if registration.person_id in allowed]
    if meeting.capacity is not None:
        going = meeting.registrations.filter(status=Registration.Status.GOING).count()
        waiting = waiting[: max(meeting.capacity - going, 0)]
    moved = []
    for registration in waiting:
        registration.status = Registration.Status.GOING
        registration.save(update_fields=["status", "updated_at"])
        queue_templated_email(
            "meetings/email/place_offered",
            to=[registration.person.email],
            context={"meeting": meeting, "network": meeting.network},
        )
        moved.append(registration)
    return moved


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind people going to tomorrow's meetings (London dates); safe to run twice.

    Each registration is claimed by a conditional update before its email is
    queued, so a second run (or two at once) finds nothing left to send.
    """
    now = now or timezone.now()
    tomorrow = now.astimezone(LONDON).date() + datetime.timedelta(days=1)
    day_starts = datetime.datetime.combine(tomorrow, datetime.time(), tzinfo=LONDON)
    day_ends = day_starts + datetime.timedelta(days=1)
    due = list(
        Registration.objects.filter(
            status=Registration.Status.GOING,
            reminded_at__isnull=True,
            meeting__state=Meeting.State.PUBLISHED,
            meeting__starts_at__gte=day_starts,
            meeting__starts_at__lt=day_ends,
        ).select_related("meeting__network", "meeting__venue_school", "person")
    )
    # Only people who may still see the meeting are reminded of it.
    allowed = {
        (person.pk, meeting.pk)
        for person, meeting in access.who_may_see(
            (registration.person, registration.meeting) for registration in due
        )
    }
    sent = 0
    for registration in due:
        if (registration.person_id, registration.meeting_id) not in allowed:
            continue
        claimed = Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if claimed:
            meeting = registration.meeting
            queue_templated_email(
                "meetings/email/reminder",
                to=[registration.person.email],
                context={"meeting": meeting, "network": meeting.network},
            )
            sent += 1
    return sent


# Papers


def _name_and_size(upload: UploadedFile[bytes]) -> tuple[str, int]:
    """The upload's own name (without a folder) and its size; a form's upload has both."""
    if upload.name is None or upload.size is None:
        raise ValidationError("The file has no name or no size.")
    return upload.name.rsplit("/", 1)[-1][:200], upload.size


@transaction.atomic
def add_paper(
    *, meeting: Meeting, by: User | None, upload: UploadedFile[bytes], title: str = "",
    kind: str = Paper.Kind.OTHER,
    visibility: str = Paper.Visibility.MEMBERS,
) -> Paper:  # fmt: skip
    """Store a paper on the meeting after checking its content is what its name says."""
    content_type = check_paper(upload)
    original_name, size = _name_and_size(upload)
    paper = Paper(
        meeting=meeting,
        kind=kind,
        title=title.strip() or original_name,
        original_name=original_name,
        content_type=content_type,
        size=size,
        visibility=visibility,
        uploaded_by=by,
    )
    paper.file.save("paper", upload, save=False)
    paper.save()
    return paper


@transaction.atomic
def replace_paper(*, paper: Paper, by: User | None, upload: UploadedFile[bytes]) -> Paper:
    """A new file for the paper (checked as on upload); the old file goes once it is done."""
    content_type = check_paper(upload)
    old_file, old_name = paper.file.name, paper.original_name
    paper.original_name, paper.size = _name_and_size(upload)
    paper.content_type = content_type
    paper.uploaded_by = by
    paper.uploaded_at = timezone.now()
    paper.file.save("paper", upload, save=False)
    paper.save()
    _audit(paper.meeting, "paper.replaced", f"Paper replaced: {paper.title}", by,
           {"File": [old_name, paper.original_name]})  # fmt: skip
    transaction.on_commit(lambda: _delete_files([old_file]))
    return paper


@transaction.atomic
def remove_paper(*, paper: Paper, by: User | None) -> None:
    """Take a paper off its meeting; its file goes once the row is gone for good."""
    _audit(paper.meeting, "paper.removed", f"Paper removed: {paper.title}", by,
           {"Paper": [f"{paper.title} ({paper.original_name})", ""]})  # fmt: skip
    name = paper.file.name
    paper.delete()
    transaction.on_commit(lambda: _delete_files([name]))


# Personal calendar feed


def _feed_query(person_id: int) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(person_id=person_id)  # one at most: one a person


# Asked on every visit of My schedule: compiled once (core.prepared).
_FEED = Prepared(CalendarFeed, _feed_query, arity=1)


def calendar_feed_for(person: User) -> CalendarFeed:
    """The person's feed, made on first use (one query once it exists, three the first
    time: no savepoint, and two first visits at once still make one feed)."""
    return _FEED.first(person.pk) or make_calendar_feed(person)


def make_calendar_feed(person: User) -> CalendarFeed:
    """The feed of a person who had none a moment ago (two queries: no savepoint, and two
    first visits at once still make one feed)."""
    CalendarFeed.objects.bulk_create([CalendarFeed(person=person)], ignore_conflicts=True)
    return CalendarFeed.objects.get(person=person)


@transaction.atomic
def reset_calendar_token(*, person: User) -> CalendarFeed:
    """A new secret address for the person's feed; the old one stops working."""
    feed = calendar_feed_for(person)
    feed.token = CalendarFeed._meta.get_field("token").default()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed
