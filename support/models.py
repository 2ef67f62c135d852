"""Mentoring schemes and confidential coaching: the most sensitive things Headnet holds.

Nothing here but the support roles (brokers, coaches) and the schemes is in the
Django admin. Offers, requests and pairings are seen only through support.access.
"""

import datetime
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from members.models import LocalAuthority, User
from networks.models import Network, network_scope

# What mentoring and coaching hold for people, on their /me/: the requests waiting in their
# coaching pools, their own. Its writes are few; every /me/ shows it.
SUPPORT_SCOPE = "support"

# Check-ins after a pairing starts, in months
# (docs/rules.md, "Confidentiality of coaching and mentoring").
CHECK_IN_MONTHS = (3, 6, 12)


class MentoringScheme(models.Model):
    """A mentoring scheme for new heads, run by a network (OASSH) or a local authority (Essex)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mentoring_schemes",
    )
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentoring_schemes",
        help_text="For a local authority's own scheme (no network).",
    )
    about = models.TextField(blank=True, help_text="A few plain sentences for new heads.")
    is_open = models.BooleanField(default=True, help_text="Taking requests and offers.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(network__isnull=False) & models.Q(local_authority__isnull=True))
                | (models.Q(network__isnull=True) & models.Q(local_authority__isnull=False)),
                name="support_scheme_network_or_la",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if bool(self.network_id) == bool(self.local_authority_id):
            raise ValidationError("A scheme is run either by a network or by a local authority.")

    def area_ids(self) -> set[int]:
        """The local authorities the scheme serves; empty for a national network's."""
        if self.local_authority_id:
            return {self.local_authority_id}
        return {area.pk for area in self.network.areas.all()}

    def sectors(self) -> list[str]:
        """The school sectors the scheme serves (its network's); empty: any."""
        return list(self.network.eligible_sectors) if self.network_id else []

    def page_scopes(self) -> list[str]:
        # A local authority's scheme names none: its writes count for every page.
        return [network_scope(self.network.slug), SUPPORT_SCOPE] if self.network_id else []


class Broker(models.Model):
    """A person who brokers a scheme's pairings: a support role that grants nothing else."""

    scheme = models.ForeignKey(MentoringScheme, on_delete=models.CASCADE, related_name="brokers")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="broker_roles"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "person"], name="support_broker_once"),
        ]

    def __str__(self):
        return f"{self.person} brokers {self.scheme}"


class Coach(models.Model):
    """A person in a network's coach pool: sees its support requests and nothing else."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="coaches")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_roles"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "coaches"
        constraints = [
            models.UniqueConstraint(fields=["network", "person"], name="support_coach_once"),
        ]

    def __str__(self):
        return f"{self.person} coaches for {self.network}"

    def page_scopes(self) -> list[str]:
        return [network_scope(self.network.slug), SUPPORT_SCOPE]


# Mentoring ---------------------------------------------------------------------------


class MentorOffer(models.Model):
    """An experienced head's offer to mentor new heads in a scheme."""

    scheme = models.ForeignKey(MentoringScheme, on_delete=models.CASCADE, related_name="offers")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_offers"
    )
    sectors = models.JSONField(
        default=list, blank=True, help_text="School sectors they will mentor heads of."
    )
    areas = models.ManyToManyField(LocalAuthority, blank=True, related_name="+")
    capacity = models.PositiveSmallIntegerField("how many mentees at a time", default=1)
    note = models.TextField(max_length=1000, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "mentor"], name="support_offer_once"),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1, capacity__lte=5),
                name="support_offer_capacity_range",
            ),
        ]

    def __str__(self):
        return f"{self.mentor} mentors in {self.scheme}"

    def clean(self):
        if not 1 <= (self.capacity or 0) <= 5:
            raise ValidationError({"capacity": "Between one and five mentees."})


class MentorRequest(models.Model):
    """A new head's request for a mentor in a scheme."""

    class State(models.TextChoices):
        OPEN = "open", "Waiting for the scheme's brokers to propose a mentor"
        PAIRED = "paired", "Matched with a mentor"
        WITHDRAWN = "withdrawn", "Withdrawn"

    scheme = models.ForeignKey(MentoringScheme, on_delete=models.CASCADE, related_name="requests")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_requests"
    )
    note = models.TextField("anything that would help the match", max_length=1000, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A double click must not ask twice.
            models.UniqueConstraint(
                fields=["scheme", "mentee"],
                condition=models.Q(state="open"),
                name="support_request_one_open",
            ),
        ]

    def __str__(self):
        return f"Request {self.pk} in {self.scheme}"


class PairingQuerySet(models.QuerySet["Pairing"]):
    def live(self) -> Self:
        return self.filter(state__in=Pairing.LIVE_STATES)

    def for_person(self, person: User) -> Self:
        return self.filter(models.Q(mentor=person) | models.Q(mentee=person))


class Pairing(models.Model):
    """A mentor and a new head: proposed by a broker, started once both accept."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Under way"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    LIVE_STATES = (State.PROPOSED, State.ACTIVE)

    scheme = models.ForeignKey(MentoringScheme, on_delete=models.CASCADE, related_name="pairings")
    # Empty when a broker proposed a mentor to a new head who had not asked: that head
    # may decline, and nothing waits again afterwards (a request goes only with its head).
    request = models.ForeignKey(
        MentorRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pairings",
        help_text="The new head's request; empty if a broker proposed without one.",
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pairings_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pairings_as_mentee"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State, default=State.PROPOSED)
    mentor_accepted_at = models.DateTimeField(null=True, blank=True)
    mentee_accepted_at = models.DateTimeField(null=True, blank=True)
    proposed_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            # One live pairing per new head in a scheme, even if two brokers click at once.
            models.UniqueConstraint(
                fields=["scheme", "mentee"],
                condition=models.Q(state__in=["proposed", "active"]),
                name="support_pairing_one_live",
            ),
            models.CheckConstraint(
                condition=~models.Q(mentor=models.F("mentee")), name="support_pairing_two_people"
            ),
        ]

    def __str__(self):
        return f"Pairing {self.pk} in {self.scheme}"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES

    @property
    def status(self) -> str:
        """Where the pairing stands, in the words every page, email and export uses: a
        proposal says who has accepted and who it waits for."""
        if self.state == self.State.PROPOSED:
            if self.mentor_accepted_at and not self.mentee_accepted_at:
                return "Proposed: the mentor has accepted; waiting for the new head"
            if self.mentee_accepted_at and not self.mentor_accepted_at:
                return "Proposed: the new head has accepted; waiting for the mentor"
            return "Proposed: waiting for both to accept"
        if self.state == self.State.ACTIVE:
            return "Under way: both have accepted"
        return self.get_state_display()

    def waits_for(self, person_id: int) -> bool:
        """Whether the proposal waits for this person (its mentor or new head) to accept."""
        if self.state != self.State.PROPOSED:
            return False
        if person_id == self.mentor_id:
            return self.mentor_accepted_at is None
        return person_id == self.mentee_id and self.mentee_accepted_at is None

    @property
    def was_asked_for(self) -> bool:
        """True if the new head asked; False if a broker proposed a mentor unasked."""
        return self.request_id is not None

    def check_in_due(self, months: int) -> datetime.date | None:
        """The day a check-in falls due, months after the pairing started."""
        if self.started_at is None:
            return None
        start = timezone.localdate(self.started_at)
        month = start.month - 1 + months
        year, month = start.year + month // 12, month % 12 + 1
        for day in (start.day, 30, 29, 28):
            try:
                return start.replace(year=year, month=month, day=day)
            except ValueError:
                continue
        raise AssertionError("unreachable")


class CheckIn(models.Model):
    """A check-in prompt sent to a pairing at three, six or twelve months: once each."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="check_ins")
    months = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["months"]
        constraints = [
            # The command may run twice (or twice at once): the database sends each once.
            models.UniqueConstraint(fields=["pairing", "months"], name="support_checkin_once"),
        ]

    def __str__(self):
        return f"{self.months}-month check-in of pairing {self.pairing_id}"


class CheckInReply(models.Model):
    """One person's answer to a check-in: seen by them and the scheme's brokers only
    (not by the other person in the pairing)."""

    class Answer(models.TextChoices):
        GOING_WELL = "going_well", "Going well"
        CONCERNS = "concerns", "Some concerns"
        GET_IN_TOUCH = "get_in_touch", "I would like the broker to get in touch"

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="replies")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_in_replies"
    )
    answer = models.CharField("how is it going", max_length=12, choices=Answer)
    note = models.TextField(
        "anything to add",
        max_length=1000,
        blank=True,
        help_text="Optional. Only you and the scheme's brokers read it.",
    )
    replied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["replied_at", "pk"]
        constraints = [
            # Replying again changes the reply: one each per check-in.
            models.UniqueConstraint(fields=["check_in", "person"], name="support_reply_once"),
        ]

    def __str__(self):
        return f"Reply to check-in {self.check_in_id}"

    @property
    def wants_contact(self) -> bool:
        return self.answer == self.Answer.GET_IN_TOUCH


class PairingOpening(models.Model):
    """Site staff opened a pairing (the audited action): who, which, when."""

    pairing = models.ForeignKey(
        Pairing, on_delete=models.SET_NULL, null=True, related_name="openings"
    )
    pairing_number = models.PositiveIntegerField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"Pairing {self.pairing_number} opened at {self.opened_at:%Y-%m-%d %H:%M}"


# Coaching ----------------------------------------------------------------------------


class SupportRequestQuerySet(models.QuerySet["SupportRequest"]):
    def waiting(self) -> Self:
        return self.filter(state=SupportRequest.State.WAITING)


class SupportRequest(models.Model):
    """A head's confidential request to a network's coaches. Not in the admin; staff
    cannot read it; deleted a fixed time after it closes (delete_closed_support_requests)."""

    class Help(models.TextChoices):
        TALK = "talk", "Someone to talk to"
        CRISIS = "crisis", "Support through a crisis at work"
        TREATMENT = "treatment", "Advice on how I am being treated"
        WELLBEING = "wellbeing", "My own health and wellbeing"
        OTHER = "other", "Something else"

    class ContactBy(models.TextChoices):
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"
        EMAIL = "email", "Email"

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for a coach"
        TAKEN = "taken", "Taken by a coach"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATES = (State.WAITING, State.TAKEN)
    # What the person who asked reads: their page, /me/ and the email when a coach takes it.
    REQUESTER_STATUS = {
        State.WAITING: "Waiting for a coach",
        State.TAKEN: "A coach has taken your request",
        State.CLOSED: "Closed",
        State.WITHDRAWN: "You withdrew it",
    }

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="support_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_requests"
    )
    help = models.CharField("what kind of help", max_length=12, choices=Help)
    contact_by = models.CharField("how to contact you", max_length=8, choices=ContactBy)
    contact_details = models.CharField(
        "phone number or address to use",
        max_length=200,
        blank=True,
        help_text="Leave empty to use your account's email address.",
    )
    contact_when = models.CharField(
        "when suits you", max_length=200, blank=True, help_text="For example: weekday evenings."
    )
    note = models.TextField(
        "anything you want the coach to know first",
        max_length=2000,
        blank=True,
        help_text="Optional. You can say nothing more until you speak.",
    )
    state = models.CharField(max_length=10, choices=State, default=State.WAITING)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests_taken",
    )
    created_at = models.DateTimeField(default=timezone.now)
    taken_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # The coaches' queue: a network's waiting requests; the retention sweep by closing.
            models.Index(fields=["network", "state"], name="support_request_queue"),
            models.Index(fields=["closed_at"], name="support_request_closed"),
        ]

    def __str__(self):
        # Deliberately content-free: this string may reach logs.
        return f"Support request {self.pk}"

    def page_scopes(self) -> list[str]:
        """Seen by nobody but on /me/: the requester's, its coach's, its pool's."""
        return [SUPPORT_SCOPE]

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def requester_status(self) -> str:
        return self.REQUESTER_STATUS[self.state]


class SupportNote(models.Model):
    """A coach's note on a request; deleted with it."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note on support request {self.request_id}"


class SupportRequestOpening(models.Model):
    """Someone other than the requester opened a request: who and when, never what.

    Kept after the request is deleted (with no link to it and no content)."""

    request = models.ForeignKey(
        SupportRequest, on_delete=models.SET_NULL, null=True, related_name="openings"
    )
    request_number = models.PositiveIntegerField()
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"Request {self.request_number} opened at {self.opened_at:%Y-%m-%d %H:%M}"
