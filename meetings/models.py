import datetime
import secrets
import unicodedata
import uuid
import zoneinfo
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from core.dates import academic_year_label
from core.markdown import render_markdown
from members.models import LocalAuthority, School, person_scope
from networks.models import Network, Workhub, network_scope

LONDON = zoneinfo.ZoneInfo("Europe/London")

# The dates Headnet deals in: wide enough for any real meeting, and far from the ends
# of Python's calendar (years 1 and 9999), where a day or a month either side of a
# date, or a move to another time zone, is no longer a date (a server error).
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)
DATE_RANGE_MESSAGE = "Give a date between 1 January 1900 and 31 December 2999."
# What cached public pages show (core.pagecache, and networks.models for a network's own).
# Meetings across networks: /meetings/, a meeting's page, the home page, people's feeds.
MEETINGS_SCOPE = "meetings"
# One person's calendar feed, by its secret address.
CALENDAR_SCOPE = "calendar:{token}"


def check_date_in_range(value: datetime.date | datetime.datetime) -> None:
    """A validator: the date (or a moment's London date) is one Headnet deals in."""
    if isinstance(value, datetime.datetime):
        try:
            value = value.astimezone(LONDON).date()
        except OverflowError:  # the first or last hours of the calendar
            value = value.date()
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(DATE_RANGE_MESSAGE, code="out_of_range")


def one_line(text: str, joiner: str = " ") -> str:
    """The text on one line: its lines joined by `joiner`, control characters and runs of
    spaces gone. Titles and places are one line wherever they are shown; a calendar file
    refuses a line break in some properties (its name) and garbles it in others."""
    if text.isprintable() and text == " ".join(text.split()):
        return text  # already one line (most text is): no need to go through it by character
    lines = (
        " ".join("".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in line).split())
        for line in text.splitlines()
    )
    return joiner.join(line for line in lines if line)


class AcademicYear(models.Model):
    """A school year, 1 September to 31 August, with its terms."""

    start_year = models.PositiveSmallIntegerField(unique=True, help_text="2025 for 2025/26.")

    class Meta:
        ordering = ["start_year"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return academic_year_label(self.start_year)

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.start_year, 9, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.start_year + 1, 8, 31)


class Term(models.Model):
    """One term of a school year with its half-term break: England's default, or one LA's."""

    class Kind(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="terms",
        help_text="Empty: England's default dates. Set: this local authority's own dates.",
    )
    kind = models.CharField(max_length=10, choices=Kind)
    starts_on = models.DateField()
    half_term_starts_on = models.DateField(help_text="First weekday of the half-term break.")
    half_term_ends_on = models.DateField(help_text="Last weekday of the half-term break.")
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "kind"],
                condition=models.Q(local_authority__isnull=True),
                name="meetings_term_one_default",
            ),
            models.UniqueConstraint(
                fields=["academic_year", "local_authority", "kind"],
                name="meetings_term_one_per_la",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__lt=models.F("half_term_starts_on"))
                & models.Q(half_term_starts_on__lte=models.F("half_term_ends_on"))
                & models.Q(half_term_ends_on__lt=models.F("ends_on")),
                name="meetings_term_dates_in_order",
            ),
        ]

    def __str__(self):
        where = self.local_authority.name if self.local_authority_id else "England"
        return f"{self.get_kind_display()} {self.academic_year} ({where})"

    def clean(self):
        if None in (self.starts_on, self.half_term_starts_on, self.half_term_ends_on, self.ends_on):
            return
        if not (self.starts_on < self.half_term_starts_on <= self.half_term_ends_on < self.ends_on):
            raise ValidationError("The term must start, break for half term and end in that order.")

    @property
    def halves(self) -> list[tuple[datetime.date, datetime.date]]:
        """The two teaching halves of the term, first and last day."""
        return [
            (self.starts_on, self.half_term_starts_on - datetime.timedelta(days=1)),
            (self.half_term_ends_on + datetime.timedelta(days=1), self.ends_on),
        ]

    def is_teaching_day(self, day: datetime.date) -> bool:
        return any(first <= day <= last for first, last in self.halves)


class MeetingSeries(models.Model):
    """Meetings made together: a recurring rule, or one briefing given in several places."""

    class Rule(models.TextChoices):
        WEEKLY = "weekly", "Every week or every N weeks"
        MONTHLY = "monthly", "Monthly on the Nth weekday"
        HALF_TERMLY = "half_termly", "Once each half term"
        TIMES_A_YEAR = "times_a_year", "N times a year, spread over the terms"
        SESSIONS = "sessions", "One meeting given in several places or times"

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="meeting_series")
    rule = models.CharField(max_length=20, choices=Rule)
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "meeting series"

    def __str__(self):
        return self.description or f"{self.get_rule_display()} ({self.network.label})"

    def page_scopes(self) -> list[str]:
        return [network_scope(self.network.slug), MEETINGS_SCOPE]


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def listed(self) -> Self:
        """Meetings people may see in lists: published or cancelled, never drafts."""
        return self.exclude(state=Meeting.State.DRAFT)

    def upcoming(self, now: datetime.datetime | None = None) -> Self:
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now: datetime.datetime | None = None) -> Self:
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def for_lists(self) -> Self:
        """With what a list row shows, in a fixed number of queries."""
        # A subquery, not a join and GROUP BY: PostgreSQL then counts only for the
        # rows a page shows, after sorting and LIMIT, not for every meeting that matches.
        going = (
            Registration.objects.filter(meeting=models.OuterRef("pk"), status="going")
            .order_by()
            .values("meeting")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.select_related("network", "workhub", "venue_school").annotate(
            going_count=Coalesce(models.Subquery(going), 0)
        )


class Meeting(models.Model):
    """A network's meeting, conference, briefing or call, at one time and place."""

    class Kind(models.TextChoices):
        NETWORK_MEETING = "network_meeting", "Network meeting"
        CONFERENCE = "conference", "Conference"
        BRIEFING = "briefing", "Briefing"
        URGENT = "urgent", "Urgent online meeting"
        NETWORK_CALL = "network_call", "Network call"
        WORKSHOP = "workshop", "Workshop"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid"

    class Audience(models.TextChoices):
        MEMBERS = "members", "Members of the network"
        SIGNED_IN = "signed_in", "Any signed-in head"
        PUBLIC = "public", "Anyone (public)"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="meetings")
    workhub = models.ForeignKey(
        Workhub, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.NETWORK_MEETING)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    format = models.CharField(max_length=10, choices=Format, default=Format.IN_PERSON)
    venue_school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    venue_address = models.CharField(max_length=300, blank=True)
    online_url = models.URLField("online link", max_length=500, blank=True)
    agenda = models.TextField(blank=True, help_text="Markdown.")
    agenda_html = models.TextField(blank=True, editable=False)
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    registration_required = models.BooleanField(default=True)
    audience = models.CharField(max_length=10, choices=Audience, default=Audience.MEMBERS)
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT)
    cancel_reason = models.TextField(blank=True)
    # RFC 5545 SEQUENCE: raised on every change people's calendars must take in.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meetings_meeting_ends_after_start",
            ),
        ]
        indexes = [
            # /meetings/ and every schedule: listed meetings by time.
            models.Index(fields=["state", "starts_at"], name="meetings_meeting_schedule"),
            # A network's schedule and feed. It holds what the visibility rule and
            # "upcoming" test, so a network's next meetings are read from the index
            # alone, however many past meetings come first (all key columns: SQLite
            # has no INCLUDE).
            models.Index(
                fields=["network", "starts_at", "id", "ends_at", "state", "audience", "workhub"],
                name="meetings_meeting_network",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.local_start:%d %b %Y %H:%M})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Rendered once on save, not on every page view.
        self.agenda_html = render_markdown(self.agenda)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    def page_scopes(self) -> list[str]:
        """Its network's pages, and every page listing meetings across networks."""
        return [network_scope(self.network.slug), MEETINGS_SCOPE]

    def clean(self):
        self.title = one_line(self.title)
        self.venue_address = one_line(self.venue_address, ", ")
        for name in ("starts_at", "ends_at"):
            if getattr(self, name):
                try:
                    check_date_in_range(getattr(self, name))
                except ValidationError as error:
                    raise ValidationError({name: error}) from error
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The meeting must end after it starts."})
        if self.format in (self.Format.ONLINE, self.Format.HYBRID) and not self.online_url:
            raise ValidationError({"online_url": "An online or hybrid meeting needs its link."})
        if (
            self.format in (self.Format.IN_PERSON, self.Format.HYBRID)
            and not self.venue_school_id
            and not self.venue_address
        ):
            raise ValidationError({"venue_address": "Give a venue: a member school or an address."})
        if self.workhub_id and self.workhub.network_id != self.network_id:
            raise ValidationError({"workhub": "The workhub must belong to the same network."})

    @property
    def local_start(self) -> datetime.datetime:
        return self.starts_at.astimezone(LONDON)

    @property
    def local_end(self) -> datetime.datetime:
        return self.ends_at.astimezone(LONDON)

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def is_online(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)

    @property
    def venue(self) -> str:
        """Where it happens, in words (the school's name and town, or the address)."""
        if self.venue_school_id:
            school = self.venue_school
            return f"{school.name}, {school.town}" if school.town else school.name
        return self.venue_address

    @property
    def audience_text(self) -> str:
        """Who it is for, in words a reader recognises themselves in: a signed-in meeting
        is for the people the network is for ("For headteachers of primary schools in
        Oxfordshire, signed in to Headnet"), not "any signed-in head"."""
        if self.audience == self.Audience.PUBLIC:
            return "Anyone: no account needed"
        if self.audience == self.Audience.MEMBERS:
            return f"Members of {self.network.label}"
        who = self.network.eligibility_text
        for opening in ("Open to ", "By invitation only, for "):
            who = who.removeprefix(opening)
        if len(who) > 1 and who[0].isupper() and who[1].islower():
            who = who[0].lower() + who[1:]
        return f"For {who}, signed in to Headnet"

    @property
    def location(self) -> str:
        if self.format == self.Format.ONLINE:
            return "Online"
        if self.format == self.Format.HYBRID:
            return f"{self.venue} and online"
        return self.venue

    def going_total(self) -> int:
        """People going (uses the list annotation when present)."""
        if hasattr(self, "going_count"):
            return self.going_count
        return self.registrations.filter(status=Registration.Status.GOING).count()

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.going_total(), 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.going_total() >= self.capacity

    @property
    def takes_registrations(self) -> bool:
        return self.registration_required and self.is_published and not self.is_past


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def live(self) -> Self:
        return self.filter(status__in=Registration.LIVE_STATUSES)


class Registration(models.Model):
    """A person's place at a meeting: going, on the waiting list, or cancelled."""

    class Status(models.TextChoices):
        GOING = "going", "Going"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    LIVE_STATUSES = (Status.GOING, Status.WAITING)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_registrations"
    )
    status = models.CharField(max_length=10, choices=Status)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A double click or two tabs must never make two live registrations.
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=models.Q(status__in=["going", "waiting"]),
                name="meetings_registration_one_live",
            ),
        ]
        indexes = [
            # Counting who is going, and the waiting list in order.
            models.Index(fields=["meeting", "status", "created_at"], name="meetings_reg_list"),
        ]

    def __str__(self):
        return f"{self.person} at {self.meeting} ({self.get_status_display()})"

    def page_scopes(self) -> list[str]:
        """Lists show the places left; the person's feed and /me/ show where they are going."""
        tokens = CalendarFeed.objects.filter(person_id=self.person_id).values_list("token")
        return [
            network_scope(self.meeting.network.slug),
            MEETINGS_SCOPE,
            person_scope(self.person_id),
            *(CALENDAR_SCOPE.format(token=token) for (token,) in tokens),
        ]

    @property
    def is_going(self) -> bool:
        return self.status == self.Status.GOING

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING


def paper_upload_to(instance, filename: str) -> str:
    # A random name: nothing about the meeting or the file can be guessed from it,
    # and the file is only ever served through the permission-checking view.
    return f"papers/{secrets.token_urlsafe(24)}"


class Paper(models.Model):
    """A file on a meeting (agenda, slides, minutes) and who may download it."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda"
        SLIDES = "slides", "Slides"
        MINUTES = "minutes", "Minutes"
        OTHER = "other", "Other paper"

    class Visibility(models.TextChoices):
        MEMBERS = "members", "Members of the network"
        ATTENDEES = "attendees", "People registered as going (and coordinators)"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.OTHER)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=paper_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.MEMBERS)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:paper", args=[self.meeting_id, self.pk])

    def page_scopes(self) -> list[str]:
        """The meeting's page lists its papers, its network's schedule the minutes."""
        return [network_scope(self.meeting.network.slug), MEETINGS_SCOPE]


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's secret personal calendar feed address; resetting it changes the token."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar feed of {self.person}"

    def get_absolute_url(self):
        return reverse("meetings:personal_feed", args=[self.token])

    @classmethod
    def from_db(cls, *args, **kwargs):
        feed = super().from_db(*args, **kwargs)
        # The address it had when loaded: a reset must also forget the old address's feed.
        feed._token_in_db = feed.__dict__.get("token")
        return feed

    def page_scopes(self) -> set[str]:
        """Its feed, and the person's /me/, which gives its address."""
        tokens = {self.token, getattr(self, "_token_in_db", None) or self.token}
        return {person_scope(self.person_id), *(CALENDAR_SCOPE.format(token=t) for t in tokens)}
