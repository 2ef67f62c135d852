"""A network's collective voice (docs/product.md, "A collective voice (`voice/`)"): polls
and their ballots, the decisions recorded when they close, and the people who represent
the network outside it.

A secret poll's Ballot rows carry no person, no school, no time and a random id; the
VoteRecord row that stops a second vote says only that the person (or school) voted.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from announcements.models import Announcement
from meetings.models import Meeting
from members.models import School
from networks.models import Network, network_scope


class Poll(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", "Proposal (agree, abstain, disagree, block)"
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        RANKED = "ranked", "Ranked choice"
        MEETING_TIME = "meeting_time", "Meeting time"
        QUESTION = "question", "Consultation question"

    class Voters(models.TextChoices):
        MEMBERS = "members", "Every member"
        SCHOOLS = "schools", "One vote per member school"

    class ResultsShown(models.TextChoices):
        AFTER_CLOSING = "after_closing", "When the poll closes"
        AFTER_VOTING = "after_voting", "To each voter once they have voted"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    # A sub-group's poll is on the sub-group (a network with a parent).
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="polls")
    kind = models.CharField(max_length=15, choices=Kind)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    voters = models.CharField(max_length=10, choices=Voters, default=Voters.MEMBERS)
    # Fixed at creation: a secret poll cannot be made open later.
    secret = models.BooleanField(default=False)
    results_shown = models.CharField(
        max_length=15, choices=ResultsShown, default=ResultsShown.AFTER_CLOSING
    )
    # For a multiple choice: how many options a voter may pick (empty: any number).
    max_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT)
    closes_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # A meeting-time poll's chosen slot, made into a draft meeting.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["network", "state", "closes_at"], name="poll_by_network")]

    def __str__(self) -> str:
        return self.title

    def page_scopes(self) -> list[str]:
        return [network_scope(self.network.slug)]


class Option(models.Model):
    """A choice, a ranked candidate, or a meeting-time slot (with its times)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=200)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label

    def page_scopes(self) -> list[str]:
        return [network_scope(self.poll.network.slug)]


class Ballot(models.Model):
    """What was voted. For a secret poll: no person, no school, no time, a random id."""

    class Position(models.TextChoices):
        AGREE = "agree", "Agree"
        ABSTAIN = "abstain", "Abstain"
        DISAGREE = "disagree", "Disagree"
        BLOCK = "block", "Block"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    # Open polls only: who cast it, and for which school (one vote per member school).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.CharField(max_length=10, choices=Position, blank=True)
    # A proposal's reason, or a consultation question's answer.
    text = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Ballot in {self.poll_id}"


class BallotChoice(models.Model):
    """One option on a ballot: chosen, ranked (1 first), or a meeting slot's answer."""

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        IF_NEED_BE = "if_need_be", "If need be"
        NO = "no", "No"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    answer = models.CharField(max_length=10, choices=Answer, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "option"], name="voice_choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.option_id} on {self.ballot_id}"


class VoteRecord(models.Model):
    """That a person, or a school through the head holding its seat, has voted: what stops
    a second vote and whom the reminder skips. It says nothing of the ballot."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="vote_records")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # One vote per member school: the school voted, whichever of its heads cast it.
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "person"],
                condition=models.Q(school__isnull=True),
                name="voice_one_vote_per_person",
            ),
            models.UniqueConstraint(
                fields=["poll", "school"],
                condition=models.Q(school__isnull=False),
                name="voice_one_vote_per_school",
            ),
        ]

    def __str__(self) -> str:
        return f"Voted in {self.poll_id}"

    @classmethod
    def of_voter(
        cls, poll_id: Any, person_id: Any, school_id: Any
    ) -> models.QuerySet["VoteRecord"]:
        """The record that the person voted in the poll or, voting for a school (a
        `school_id`, which may be an OuterRef), that the school did: one rule for
        voting.has_voted and the poll page's read of the person (voice.access)."""
        if school_id is not None:
            return cls.objects.filter(poll_id=poll_id, school_id=school_id)
        return cls.objects.filter(poll_id=poll_id, person_id=person_id, school__isnull=True)


class Decision(models.Model):
    """What a network decided when a poll closed, with when to look at it again."""

    poll = models.OneToOneField(Poll, on_delete=models.CASCADE, related_name="decision")
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="decisions")
    statement = models.TextField()
    review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return self.statement[:60]

    def page_scopes(self) -> list[str]:
        return [network_scope(self.network.slug)]


class Representative(models.Model):
    """Who represents the network on an outside board or group, for what term."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="representatives")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="representations",
    )
    # As the network page shows it (kept if the person's account closes).
    name = models.CharField(max_length=200)
    board = models.CharField(max_length=200)
    term_starts_on = models.DateField()
    term_ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["board", "name"]

    def __str__(self) -> str:
        return f"{self.name} on {self.board}"

    def page_scopes(self) -> list[str]:
        return [network_scope(self.network.slug)]


class Report(models.Model):
    """A representative's short report back to the network's members (members only)."""

    representative = models.ForeignKey(
        Representative, on_delete=models.CASCADE, related_name="reports"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    posted_at = models.DateTimeField(default=timezone.now)
    # The announcement that took it to the members by email, as each of them chose.
    announcement = models.OneToOneField(
        Announcement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="representative_report",
    )

    class Meta:
        ordering = ["-posted_at", "-pk"]

    def __str__(self) -> str:
        return self.title
