"""What a network tells its members: announcements, and one delivery row per recipient."""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article
from core.markdown import render_markdown
from meetings.models import Meeting
from networks.models import Network, Workhub, network_scope


class AnnouncementQuerySet(models.QuerySet["Announcement"]):
    def sent(self) -> Self:
        return self.filter(state=Announcement.State.SENT)

    def newest_first(self) -> Self:
        return self.order_by("-sent_at", "-id")


class Announcement(models.Model):
    """A message from a network to an audience of its people, by email and on the site."""

    class Audience(models.TextChoices):
        NETWORK = "network", "Everyone in the network"
        SUBGROUP = "subgroup", "A sub-group"
        WORKHUB = "workhub", "A workhub"
        MEETING = "meeting", "The people going to or waiting for a meeting"
        SEAT_HOLDERS = "seats", "The heads holding the member schools' seats"
        # Follow-ups to a meeting that has taken place, from its register.
        ATTENDED = "attended", "The people who came to a meeting"
        NO_SHOWS = "no_shows", "The people who registered for a meeting and did not come"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="announcements")
    audience = models.CharField(max_length=10, choices=Audience, default=Audience.NETWORK)
    # The one the audience names, for a sub-group, a workhub or a meeting (the meeting
    # too of a follow-up to the people who came, or did not).
    subgroup = models.ForeignKey(
        Network, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    workhub = models.ForeignKey(
        Workhub, on_delete=models.PROTECT, null=True, blank=True, related_name="announcements"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="announcements"
    )
    # An announcement of a published article links to it.
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="announcements"
    )
    subject = models.CharField(max_length=150)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    is_urgent = models.BooleanField(
        "urgent", default=False, help_text="Goes at once even to people who chose a digest."
    )
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="announcements_written",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When a scheduled announcement goes; when it went.
    send_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set once every recipient has a delivery row: the fan-out is done.
    fanned_out_at = models.DateTimeField(null=True, blank=True)
    # The counts the sender sees, kept when the delivery rows are pruned.
    kept_counts = models.JSONField(default=dict, blank=True, editable=False)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            # The archive and the network page's latest: a network's sent (or sending)
            # announcements, newest first, by pages, read in order and stopped at the
            # page's end (the states are access.SENT_STATES, held equal by a test).
            models.Index(
                fields=["network", "-sent_at", "-id"],
                condition=models.Q(state__in=["sending", "sent"]),
                name="announce_archive",
            ),
            # The scheduler's look for announcements that are due.
            models.Index(fields=["state", "send_at"], name="announce_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(audience="subgroup") | models.Q(subgroup__isnull=False),
                name="announce_subgroup_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(audience="workhub") | models.Q(workhub__isnull=False),
                name="announce_workhub_named",
            ),
        ]

    def __str__(self):
        return self.subject

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("announcements:detail", args=[self.network.slug, self.pk])

    def page_scopes(self) -> list[str]:
        """Its network's page lists the latest sent (core.pagecache). A draft's too: a
        save may be the one that takes it off the page, and drafts change seldom."""
        return [network_scope(self.network.slug)]

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_sent(self) -> bool:
        return self.state == self.State.SENT

    @property
    def audience_text(self) -> str:
        """Who it is for, in words, to go inside a sentence: "everyone in OSSHTA", "the
        SEND workhub (2026/27)" (capfirst it to start one)."""
        label = self.network.label
        if self.audience == self.Audience.SUBGROUP and self.subgroup:
            return f"everyone in {self.subgroup.name}"
        if self.audience == self.Audience.WORKHUB and self.workhub:
            return f"the {self.workhub.name} workhub ({self.workhub.academic_year_label})"
        if self.audience == self.Audience.MEETING:
            if self.meeting is None:
                return "the people going to or waiting for a meeting"
            when = date_format(timezone.localtime(self.meeting.starts_at), "j F Y")
            return f"the people going to or waiting for {self.meeting.title} on {when}"
        if self.audience == self.Audience.SEAT_HOLDERS:
            return f"the heads holding {label}'s member schools' seats"
        if self.audience in (self.Audience.ATTENDED, self.Audience.NO_SHOWS):
            return self._follow_up_text()
        return f"everyone in {label}"

    def _follow_up_text(self) -> str:
        who = (
            "the people who came to"
            if self.audience == self.Audience.ATTENDED
            else "the people who registered for and did not come to"
        )
        if self.meeting is None:
            return f"{who} a meeting"
        when = date_format(timezone.localtime(self.meeting.starts_at), "j F Y")
        return f"{who} {self.meeting.title} on {when}"


class Delivery(models.Model):
    """One recipient's copy of an announcement: the row that makes every send happen once.

    The fan-out makes one for each person in the audience who wants the announcement,
    at once (queued) or in their weekly digest (digest); nobody else gets a row.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        # Chose the weekly digest: goes in the next one instead of by itself.
        DIGEST = "digest", "Held for the weekly digest"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Reported as spam"
        SUPPRESSED = "suppressed", "Not sent: the address gets no bulk mail"

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="deliveries"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="announcement_deliveries"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a sender took the row; a row taken long ago by a worker that died is taken again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One copy each, however many audiences a person is in and however often a
            # fan-out is resumed.
            models.UniqueConstraint(fields=["announcement", "person"], name="announce_one_copy"),
        ]
        indexes = [
            models.Index(fields=["announcement", "status"], name="announce_delivery_status"),
            models.Index(fields=["person", "-id"], name="announce_delivery_person"),
        ]

    def __str__(self):
        return f"{self.announcement} to {self.person}"


class DigestSent(models.Model):
    """A weekly digest sent to one person: the row that stops a second one that week."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests_sent"
    )
    week_of = models.DateField(help_text="The Monday of the week it covers.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "week_of"], name="announce_one_digest"),
        ]

    def __str__(self):
        return f"Digest for {self.person}, week of {self.week_of}"
