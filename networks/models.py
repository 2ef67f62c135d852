from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify

from core.dates import academic_year_label, academic_year_of
from core.markdown import render_markdown
from members.models import (
    EmailSuppression,
    LocalAuthority,
    Post,
    School,
    User,
    address_scope,
    person_scope,
)

from .wording import roles_phrase, sectors_phrase

# A person without a name, as shown to others: never their address in its place.
NO_NAME = "(no name on their profile)"

# What cached public pages show (core.pagecache): a view names the scopes it shows, filled
# from its URL's arguments, and each model's page_scopes() the scopes a write to it changes.
# One network's pages: its page, workhubs, schedule, feeds, articles and stories.
NETWORK_SCOPE = "network:{slug}"
# Networks as pages across the site show them (names, areas, parents, workhubs): the
# directory, the home page, the meetings of every network.
NETWORKS_SCOPE = "networks"
# Who belongs where, across networks: a person's calendar feed follows their networks.
MEMBERSHIPS_SCOPE = "memberships"


def network_scope(slug: str) -> str:
    return NETWORK_SCOPE.format(slug=slug)


class NetworkQuerySet(models.QuerySet["Network"]):
    def page_family(
        self, slug: str, academic_year: int
    ) -> tuple["Network | None", list["Network"]]:
        """The network with this slug and its sub-groups, in one query (the network page),
        with `past_workhub_count`: its workhubs before last academic year."""
        past_workhubs = (
            Workhub.objects.filter(
                network=models.OuterRef("pk"), academic_year__lt=academic_year - 1
            )
            .order_by()
            .values("network")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        family = list(
            self.select_related("parent")
            .filter(models.Q(slug=slug) | models.Q(parent__slug=slug))
            .annotate(past_workhub_count=Coalesce(models.Subquery(past_workhubs), 0))
            .order_by("name")
        )
        network = next((member for member in family if member.slug == slug), None)
        subgroups = [member for member in family if network and member.parent_id == network.pk]
        return network, subgroups

    def within_reach(self, area_ids: set[int], member_of: set[int]) -> Self:
        """A first sieve for suggestions, so the eligibility rules run on a few networks,
        not all: open to all, national, covering one of the areas, or a sub-group of a
        network the person is in. networks.eligibility still decides."""
        return self.filter(
            models.Q(open_to_all=True)
            | models.Q(areas__isnull=True)
            | models.Q(areas__in=area_ids)
            | models.Q(parent__in=member_of)
        ).distinct()

    def for_directory(self) -> Self:
        """With what a directory card shows, in a fixed number of queries."""
        return self.select_related("parent").prefetch_related("areas").order_by("name")

    def for_area(self, local_authority: LocalAuthority) -> Self:
        """Networks covering the area: those naming it, and national ones."""
        return self.filter(
            models.Q(areas=local_authority) | models.Q(areas__isnull=True)
        ).distinct()

    def for_sector(self, sector: str) -> Self:
        """Networks open to leaders of schools in the sector (or to every sector)."""
        # Sectors are a JSON list; matching the quoted value in its text works
        # the same on SQLite and PostgreSQL (JSON containment does not).
        return self.filter(
            models.Q(eligible_sectors=[]) | models.Q(eligible_sectors__icontains=f'"{sector}"')
        )

    def search(self, text: str) -> Self:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(short_name__icontains=text)
            | models.Q(about__icontains=text)
            | models.Q(meeting_rhythm__icontains=text)
        )


class Network(models.Model):
    """A professional network of school leaders, with its rules for who may join and how."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", "Primary heads"
        SECONDARY = "secondary", "Secondary heads"
        SPECIAL = "special", "Special school heads"
        ALLIANCE = "alliance", "School alliance"
        BRIEFING_SERIES = "briefing_series", "Briefing series"
        WORKING_GROUP = "working_group", "Working group"
        SUPPORT_NETWORK = "support_network", "Support network"

    class JoinPolicy(models.TextChoices):
        OPEN = "open", "Open: eligible people join at once"
        APPROVAL = "approval", "Approval: an administrator approves each request"
        AUTOMATIC = "automatic", "Automatic: everyone eligible is a member"
        INVITATION = "invitation", "Invitation only"

    class Basis(models.TextChoices):
        PERSON = "person", "Person: members stay members wherever they work"
        SCHOOL = "school", "School: the school is the member, its head holds the seat"

    class MemberListVisibility(models.TextChoices):
        MEMBERS = "members", "Members of the network"
        COORDINATORS = "coordinators", "Coordinators and administrators only"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=30, blank=True, help_text="For example OSSHTA.")
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subgroups",
        help_text="For a sub-group: the network it belongs to.",
    )
    areas = models.ManyToManyField(
        LocalAuthority,
        blank=True,
        related_name="networks",
        help_text="Local authorities it serves; none means national.",
    )
    summary = models.CharField(max_length=300, blank=True, help_text="One sentence for cards.")
    about = models.TextField(blank=True, help_text="Markdown.")
    about_html = models.TextField(blank=True, editable=False)
    meeting_rhythm = models.CharField(
        "how often it meets", max_length=200, blank=True, help_text="Six times a year, online."
    )
    eligible_sectors = models.JSONField(
        default=list, blank=True, help_text="School sectors whose leaders may join; empty: any."
    )
    eligible_roles = models.JSONField(
        default=list, blank=True, help_text="Posts whose holders may join; empty: any post."
    )
    state_funded_only = models.BooleanField(default=False)
    open_to_all = models.BooleanField(
        default=False,
        help_text="Anyone may join, with or without a post (past and future heads too).",
    )
    requires_parent_membership = models.BooleanField(
        default=False,
        help_text="Open to members of the parent network and staff of its member schools.",
    )
    audience = models.CharField(
        "who it is for",
        max_length=300,
        blank=True,
        help_text="Leave empty to describe the eligibility rules in words automatically.",
    )
    join_policy = models.CharField(max_length=20, choices=JoinPolicy, default=JoinPolicy.OPEN)
    basis = models.CharField("membership basis", max_length=10, choices=Basis, default=Basis.PERSON)
    member_list_visibility = models.CharField(
        max_length=20, choices=MemberListVisibility, default=MemberListVisibility.MEMBERS
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = slugify(self.label)[:80]
        # Rendered once on save, not on every page view.
        self.about_html = render_markdown(self.about)
        super().save(*args, **kwargs)
        # What the database holds now (as from_db records): a later change to this same
        # instance must forget the pages of the address and parent saved here.
        saved = kwargs.get("update_fields")
        if saved is None or "slug" in saved:
            self._slug_in_db = self.slug
        if saved is None or {"parent", "parent_id"} & set(saved):
            self._parent_id_in_db = self.parent_id

    def get_absolute_url(self) -> str:
        return reverse("networks:detail", args=[self.slug])

    @classmethod
    def from_db(cls, *args, **kwargs):
        network = super().from_db(*args, **kwargs)
        # The address and parent it had when loaded: a new slug must also forget the old
        # address's page, and a sub-group moved must leave its old parent's page.
        network._slug_in_db = network.__dict__.get("slug")
        network._parent_id_in_db = network.__dict__.get("parent_id")
        return network

    def page_scopes(self) -> set[str]:
        """Its pages, its parent's (the one it had when loaded too) and sub-groups' (each
        names the other), every listing."""
        slugs = {self.slug, getattr(self, "_slug_in_db", None) or self.slug}
        parents = {self.parent_id, getattr(self, "_parent_id_in_db", None)} - {None}
        if parents:
            slugs.update(Network.objects.filter(pk__in=parents).values_list("slug", flat=True))
        slugs.update(Network.objects.filter(parent_id=self.pk).values_list("slug", flat=True))
        return {NETWORKS_SCOPE, *map(network_scope, slugs)}

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "A network cannot be its own parent."})
        if self.requires_parent_membership and not self.parent_id:
            raise ValidationError(
                {"requires_parent_membership": "Only a sub-group can require parent membership."}
            )
        unknown = set(self.eligible_sectors) - set(School.Sector.values)
        if unknown:
            raise ValidationError({"eligible_sectors": f"Unknown sectors: {sorted(unknown)}"})
        unknown = set(self.eligible_roles) - set(Post.Role.values)
        if unknown:
            raise ValidationError({"eligible_roles": f"Unknown roles: {sorted(unknown)}"})

    @property
    def label(self) -> str:
        """The short name people use (OSSHTA), or the name when it has none."""
        return self.short_name or self.name

    @property
    def display_name(self):
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name

    @property
    def is_school_based(self) -> bool:
        return self.basis == self.Basis.SCHOOL

    @property
    def is_national(self) -> bool:
        """True when the network names no area (uses prefetched areas if present)."""
        return not self.areas.all()

    @property
    def area_names(self) -> str:
        names = [area.name for area in self.areas.all()]
        return ", ".join(names) if names else "England (national)"

    @property
    def eligibility_text(self) -> str:
        """Who may join, in words: "Open to headteachers of special schools in Oxfordshire"."""
        if self.audience:
            return self.audience
        where = "anywhere in England" if self.is_national else f"in {self.area_names}"
        if self.open_to_all:
            return f"Open to anyone {where}"
        if self.requires_parent_membership and self.parent:
            return f"Open to members of {self.parent.label} and staff of its member schools"
        roles = roles_phrase(self.eligible_roles)
        sectors = sectors_phrase(self.eligible_sectors, self.state_funded_only)
        if self.join_policy == self.JoinPolicy.INVITATION:
            # Not "open to": nobody can simply join it.
            return f"By invitation only, for {roles} of {sectors} {where}"
        return f"Open to {roles} of {sectors} {where}"

    def administrator_emails(self) -> list[str]:
        return list(
            self.memberships.active()
            .filter(role=Membership.Role.ADMINISTRATOR)
            .values_list("person__email", flat=True)
        )

    def coordinator_emails(self) -> list[str]:
        """Coordinators' and administrators' addresses: for sending, never for showing."""
        return list(self.memberships.coordinating().values_list("person__email", flat=True))


class NetworkPurpose(models.Model):
    """One of a network's purposes, in the order the network lists them."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="purposes")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    def page_scopes(self) -> list[str]:
        return [network_scope(self.network.slug)]


class MembershipQuerySet(models.QuerySet["Membership"]):
    def live(self) -> Self:
        """Pending or active: the memberships that count."""
        return self.filter(status__in=Membership.LIVE_STATUSES)

    def active(self) -> Self:
        return self.filter(status=Membership.Status.ACTIVE)

    def pending(self) -> Self:
        return self.filter(status=Membership.Status.PENDING)

    def with_post_school_name(self) -> Self:
        """Each membership's `post_school_name`: the school of the person's most recent
        current post, worked out in the query (one small subquery a row), so that
        `shown_school_name` needs no posts prefetched for a membership without a seat."""
        newest = (
            Post.objects.current()
            .filter(person=models.OuterRef("person"))
            .order_by(*Post._meta.ordering)
            .values("school__name")[:1]
        )
        return self.annotate(post_school_name=models.Subquery(newest))

    def coordinating(self) -> Self:
        """Active coordinators and administrators."""
        return self.filter(self._coordinating)

    @property
    def _coordinating(self) -> models.Q:
        return models.Q(
            status=Membership.Status.ACTIVE,
            role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMINISTRATOR],
        )

    def administering_for_school(self, school_id: int) -> Self:
        """The administrators who decide about the school's posts and seats: those of the
        school-based networks in which the school holds a live seat."""
        seated_in = Membership.objects.live().filter(school=school_id).values("network")
        return self.active().filter(
            role=Membership.Role.ADMINISTRATOR,
            network__basis=Network.Basis.SCHOOL,
            network__in=seated_in,
        )

    def coordinating_or_of(self, person: User | AnonymousUser) -> Self:
        """The coordinators, and the person's own live membership (a network page's rows)."""
        if not person.is_authenticated:
            return self.coordinating()
        own = models.Q(person=person, status__in=Membership.LIVE_STATUSES)
        return self.filter(self._coordinating | own)


class Membership(models.Model):
    """A person's place in a network (for a school-based network, their school's seat)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending approval"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        LEFT = "left", "Left"
        LAPSED = "lapsed", "Lapsed"
        REMOVED = "removed", "Removed by an administrator"

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        COORDINATOR = "coordinator", "Coordinator"
        ADMINISTRATOR = "administrator", "Administrator"

    LIVE_STATUSES = (Status.PENDING, Status.ACTIVE)

    # Empty only on an ended school seat whose holder closed their account: the
    # record stays with the school, so its next head can take the seat.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="For a school-based network: the school whose seat this is.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    role = models.CharField(max_length=15, choices=Role, default=Role.MEMBER)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # A double click or two tabs must never make two live memberships.
            models.UniqueConstraint(
                fields=["person", "network"],
                condition=models.Q(status__in=["pending", "active"]),
                name="networks_membership_one_live",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False)
                | ~models.Q(status__in=["pending", "active"]),
                name="networks_membership_live_has_person",
            ),
            # In a school-based network a school holds one seat at a time.
            models.UniqueConstraint(
                fields=["network", "school"],
                condition=models.Q(status__in=["pending", "active"], school__isnull=False),
                name="networks_membership_one_seat_per_school",
            ),
        ]
        indexes = [
            # Member lists and coordinator lists: a network's live memberships.
            models.Index(fields=["network", "status", "role"], name="networks_membership_list"),
            # The admin's list of a network's memberships, newest first (Meta.ordering,
            # and the admin's tie-break on the key): its pages are read off this index.
            models.Index(
                fields=["network", "-requested_at", "-id"], name="networks_membership_newest"
            ),
        ]

    def __str__(self):
        # Never the address a nameless person's own str() falls back on: the admin's
        # membership pages show this to the network's administrators.
        if self.person is None:
            return f"Former member in {self.network} ({self.get_status_display()})"
        who = self.person.get_full_name() or NO_NAME
        return f"{who} in {self.network} ({self.get_status_display()})"

    def page_scopes(self) -> list[str]:
        """Its network's page lists the coordinators; the person's feed follows their networks,
        their /me/ lists them."""
        return [network_scope(self.network.slug), MEMBERSHIPS_SCOPE, person_scope(self.person_id)]

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def holder(self) -> User:
        """The person whose membership this is. Only an ended school seat can have lost its
        person (they closed their account), so a live membership always has one."""
        if self.person is None:
            raise ValueError(f"Membership {self.pk} has no person: they closed their account.")
        return self.person

    @property
    def can_coordinate(self) -> bool:
        return self.is_active and self.role in (self.Role.COORDINATOR, self.Role.ADMINISTRATOR)

    @property
    def can_administer(self) -> bool:
        return self.is_active and self.role == self.Role.ADMINISTRATOR

    @cached_property
    def shown_post(self) -> Post | None:
        """The post lists show beside the person: theirs at the seat's school, or their
        most recent current one (uses prefetched posts; worked out once per row)."""
        if self.person is None:
            return None
        posts = self.person.current_posts()
        at_school = [post for post in posts if post.school_id == self.school_id]
        return (at_school or posts or [None])[0]

    @property
    def shown_school_name(self) -> str:
        """The school lists show beside the person: the seat's, or that of the post shown."""
        if self.school_id:
            return self.school.name
        if hasattr(self, "post_school_name"):  # MembershipQuerySet.with_post_school_name()
            return self.post_school_name or ""
        post = self.shown_post
        return post.school.name if post else ""

    @property
    def post_unconfirmed(self) -> bool:
        """The post shown beside the person is a claim nobody has confirmed yet."""
        post = self.shown_post
        return post is not None and not post.is_verified


def _address_stopped() -> models.Exists:
    """The invitation's address gets no bulk mail any more (members.suppression decides)."""
    return models.Exists(
        EmailSuppression.objects.filter(
            address=models.OuterRef("email"), suppressed_at__isnull=False
        )
    )


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def with_report(self) -> Self:
        """Each batch's invitations counted: accepted, waiting (sent), queued (not yet sent),
        bounced (to an address mail no longer reaches, sent or not). One query."""
        stopped = EmailSuppression.objects.filter(suppressed_at__isnull=False).values("address")
        open_ = models.Q(invitations__accepted_at__isnull=True)
        reaches = ~models.Q(invitations__email__in=stopped)
        return self.annotate(
            accepted=models.Count("invitations", filter=~open_),
            waiting=models.Count(
                "invitations", filter=open_ & reaches & models.Q(invitations__sent_at__isnull=False)
            ),
            queued=models.Count(
                "invitations", filter=open_ & reaches & models.Q(invitations__sent_at__isnull=True)
            ),
            bounced=models.Count("invitations", filter=open_ & ~reaches),
            unanswered=models.Count("invitations", filter=open_),
        )


class ImportBatch(models.Model):
    """A member spreadsheet an administrator brought in: its rows while they are checked,
    then the invitations made from them (docs/rules.md, "Bringing in a member spreadsheet").

    The rows live here, not in the session: thousands of them outlast a session's size,
    survive a second tab or another device, and are deleted with the batch (a draft) or
    emptied (a confirmed one) IMPORT_BATCH_RETENTION_DAYS after they came in.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Being checked"
        CONFIRMED = "confirmed", "Invitations made"
        WITHDRAWN = "withdrawn", "Withdrawn"

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="import_batches")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    source_name = models.CharField(max_length=200, blank=True, help_text="Empty when pasted.")
    description = models.CharField(max_length=200, blank=True)
    # The spreadsheet as text: its header, its rows and each row's own number in it.
    headers = models.JSONField(default=list)
    cells = models.JSONField(default=list)
    lines = models.JSONField(default=list)
    # What each column holds, {"email": 2, ...}: guessed, then as the administrator says.
    columns = models.JSONField(default=dict)
    # Each row as checked (networks.imports): its school, its person, what is wrong.
    rows = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The administrator asked that posts be confirmed where they may confirm them.
    confirm_posts = models.BooleanField(default=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Invitations withdrawn (they are deleted, as every withdrawn invitation is).
    withdrawn_count = models.PositiveIntegerField(default=0)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.source_name or 'Pasted rows'} ({self.network})"

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def source_label(self) -> str:
        return self.source_name or "Pasted rows"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def unanswered(self) -> Self:
        return self.filter(accepted_at__isnull=True)

    def waiting_for(self, address: str) -> Self:
        """Those not yet accepted sent to this address, whatever its case."""
        return self.unanswered().filter(email__iexact=address)

    def with_bounce(self) -> Self:
        """Each marked `bounced`: its address gets no bulk mail any more, so it was, or
        will be, never delivered."""
        return self.annotate(bounced=_address_stopped())


class Invitation(models.Model):
    """An administrator's invitation to a network, by email address: the person signed in
    with that address accepts it on the network's page (the address is the key).

    One from a member spreadsheet carries the school and role the spreadsheet gave, so
    that accepting takes one screen, and waits in a queue (`sent_at` empty) until the
    network's hourly allowance lets it go."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    name = models.CharField(max_length=200, blank=True, help_text="As the spreadsheet gave it.")
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=20, choices=Post.Role, blank=True)
    # The inviting administrator vouches for the post: it is confirmed when the person
    # accepts, if they still may confirm posts at the school then (docs/rules.md,
    # "Bringing in a member spreadsheet"); otherwise it is a claim like any other.
    confirm_post = models.BooleanField(default=False)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    # Empty while queued (networks.services.invitations sends it within the allowance).
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "email"],
                condition=models.Q(accepted_at__isnull=True),
                name="networks_invitation_one_open",
            ),
        ]
        indexes = [
            # The queue (oldest first) and each network's sends in the last hour.
            models.Index(fields=["sent_at", "created_at"], name="networks_invitation_queue"),
        ]

    def __str__(self):
        return f"{self.email} to {self.network}"

    def page_scopes(self) -> list[str]:
        """The /me/ of whoever has the address lists the invitations waiting for them."""
        return [address_scope(self.email)]

    @property
    def is_queued(self) -> bool:
        return self.sent_at is None

    @property
    def post_label(self) -> str:
        """The post it offers, in words ("Headteacher, Cherwell School"), or ""."""
        if self.school_id is None:
            return ""
        role = self.get_role_display() if self.role else "A post"
        return f"{role}, {self.school.name}"


class Workhub(models.Model):
    """A working group inside a network for one academic year, on one priority."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="workhubs")
    academic_year = models.PositiveSmallIntegerField(
        help_text="The year it starts: 2016 for 2016/17."
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    priority_area = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="WorkhubMembership", related_name="workhubs"
    )

    class Meta:
        ordering = ["-academic_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "slug"], name="networks_workhub_slug"),
        ]

    def __str__(self):
        return f"{self.name} ({self.academic_year_label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = slugify(f"{self.name} {self.academic_year_label}")[:100]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("networks:workhub", args=[self.network.slug, self.slug])

    def page_scopes(self) -> list[str]:
        """Its network's pages; meeting lists everywhere name it; its people's feeds."""
        return [network_scope(self.network.slug), NETWORKS_SCOPE, MEMBERSHIPS_SCOPE]

    @property
    def academic_year_label(self) -> str:
        return academic_year_label(self.academic_year)

    @property
    def is_past(self) -> bool:
        """A workhub of an earlier academic year: kept as a record, read-only."""
        return self.academic_year < academic_year_of()

    @property
    def shows_priority(self) -> bool:
        """Whether the priority area says more than the name does."""
        return bool(self.priority_area) and self.priority_area.strip().lower() != (
            self.name.strip().lower()
        )


class WorkhubMembership(models.Model):
    """A person in a workhub, perhaps as one of its leads."""

    workhub = models.ForeignKey(Workhub, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workhub_memberships"
    )
    is_lead = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_lead", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["workhub", "person"], name="networks_workhub_once"),
        ]

    def __str__(self):
        return f"{self.person} in {self.workhub}"

    def page_scopes(self) -> list[str]:
        """The workhub's page lists its leads; the person's feed has the workhub's meetings,
        their /me/ their places."""
        return [
            network_scope(self.workhub.network.slug),
            MEMBERSHIPS_SCOPE,
            person_scope(self.person_id),
        ]


class ContactMessage(models.Model):
    """A message to a network's coordinators, stored before it is emailed."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="contact_messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_messages",
    )
    sender_name = models.CharField(max_length=200)
    sender_email = models.EmailField()
    subject = models.CharField(max_length=200)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The retry command looks for messages not yet sent.
            models.Index(fields=["sent_at", "created_at"], name="networks_contact_unsent"),
        ]

    def __str__(self):
        return f"{self.subject} ({self.sender_email})"


class EmailPreference(models.Model):
    """How a person wants a network's announcements: each one, a weekly digest, only the
    urgent ones, or none. No row means every announcement.

    Account, security, fee and meeting-change emails are not announcements: they go
    whatever this says.
    """

    class Choice(models.TextChoices):
        EVERY = "every", "Every announcement, as it is sent"
        DIGEST = "digest", "A weekly digest (urgent ones at once)"
        URGENT_ONLY = "urgent", "Urgent announcements only"
        NONE = "none", "No announcements"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice, default=Choice.EVERY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "network"], name="networks_one_preference"),
        ]
        indexes = [
            # The fan-out reads a network's preferences that hold anyone back.
            models.Index(fields=["network", "choice"], name="networks_preference_choice"),
        ]

    def __str__(self):
        return f"{self.person} / {self.network}: {self.get_choice_display()}"

    @classmethod
    def takes_at_once(cls, choice: str, *, urgent: bool) -> bool:
        """Whether an announcement goes to this person as it is sent."""
        if choice == cls.Choice.EVERY:
            return True
        return urgent and choice in (cls.Choice.DIGEST, cls.Choice.URGENT_ONLY)
