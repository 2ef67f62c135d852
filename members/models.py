import datetime
import re
from collections.abc import Iterable
from typing import Any, Self

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from . import web_domains

# A head in the first two years of headship is a "new head"
# (docs/rules.md, "Posts and verification").
NEW_HEAD_YEARS = 2
# What is one person's own on the pages they see (/me/): their memberships, workhub places
# and registrations name it (core.pagecache).
PERSON_SCOPE = "person:{pk}"


def person_scope(pk: int) -> str:
    return PERSON_SCOPE.format(pk=pk)


# What is sent to an address, shown to whoever has it (/me/: invitations, stopped bulk mail).
ADDRESS_SCOPE = "address:{address}"


def address_scope(address: str) -> str:
    # Lower case: invitations match an address whatever its case.
    return ADDRESS_SCOPE.format(address=address.lower())


# Which addresses bulk mail stops at, as the lists that mark them show it (the network
# office's member list marks every member whose mail bounces).
MAIL_STOPS_SCOPE = "mail-stops"


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same date some years on (28 February for a 29 February start)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class LocalAuthority(models.Model):
    """A local authority, by its three-digit code in the school register (931 Oxfordshire)."""

    code = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self):
        return self.name


# A school search takes words apart at spaces and commas ("Cherwell, Banbury").
SEARCH_SEPARATORS = re.compile(r"[\s,]+")
# Words of a school's name too common to make a good example of a search.
GENERIC_WORDS = {"st", "st.", "saint", "the", "of", "and", "c", "e", "cofe", "ce", "rc"}


class SchoolQuerySet(models.QuerySet["School"]):
    def open(self) -> Self:
        return self.exclude(status=School.Status.CLOSED)

    def search(self, text: str) -> Self:
        """Schools with every word of the text in their name or their town ("Cherwell,
        Banbury", "Banbury primary", "Banbury"), or whose URN it is; schools whose name
        holds the whole text come first."""
        text = text.strip()
        words = [word.strip(".") for word in SEARCH_SEPARATORS.split(text)]
        words = [word for word in words if word]
        if not words:
            return self.none()
        condition = models.Q()
        for word in words:
            condition &= models.Q(name__icontains=word) | models.Q(town__icontains=word)
        # isdigit() alone accepts "²", which int() refuses.
        if text.isascii() and text.isdigit():
            condition |= models.Q(urn=int(text))
        whole_name = models.Case(
            models.When(name__icontains=text, then=models.Value(0)), default=models.Value(1)
        )
        return self.filter(condition).alias(whole_name=whole_name).order_by("whole_name", "name")

    def search_example(self) -> tuple[str, str, int] | None:
        """A word of a school's name, its town and its URN, each of which finds it: the
        search form's hint, true of whatever register is loaded (none: no example)."""
        # The first few by URN (its index), for one whose name is not just its town's.
        schools = list(
            self.open().exclude(town="").order_by("urn").values("name", "town", "urn")[:20]
        )
        examples = []
        for school in schools:
            words = [word for word in school["name"].split() if word.lower() not in GENERIC_WORDS]
            word = words[0] if words else school["name"]
            examples.append((word, school["town"], school["urn"]))
        distinct = [example for example in examples if example[0].lower() not in example[1].lower()]
        return (distinct or examples or [None])[0]


class School(models.Model):
    """An establishment from the DfE register (GIAS), kept in step by import_schools."""

    class Phase(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        MIDDLE_PRIMARY = "middle_primary", "Middle deemed primary"
        MIDDLE_SECONDARY = "middle_secondary", "Middle deemed secondary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SIXTEEN_PLUS = "16_plus", "16 plus"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    class Sector(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SPECIAL = "special", "Special"
        ALTERNATIVE_PROVISION = "alternative_provision", "Alternative provision"
        SIXTEEN_PLUS = "16_plus", "16 plus"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        PROPOSED = "proposed", "Proposed to open"

    urn = models.PositiveIntegerField("URN", unique=True)
    name = models.CharField(max_length=200)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="schools"
    )
    phase = models.CharField(max_length=20, choices=Phase, default=Phase.NOT_APPLICABLE)
    type_name = models.CharField("type", max_length=100, help_text="As the register names it.")
    sector = models.CharField(
        max_length=25, choices=Sector, help_text="Derived from phase and type."
    )
    state_funded = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    website = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    number_of_pupils = models.PositiveIntegerField(
        null=True, blank=True, help_text="The register's NumberOfPupils (fee bands use it)."
    )
    # The register's head of the school, kept only to verify who claims the headship:
    # never shown on a page, in a list or in an export.
    head_title = models.CharField(max_length=30, blank=True)
    head_first_name = models.CharField(max_length=100, blank=True)
    head_last_name = models.CharField(max_length=100, blank=True)
    # An academy conversion (or another succession the register links): the school that
    # carries this closed one on, and the date. Set only by members.conversions, with
    # latest_successor, so that a school's history (its fee invoices) is found in one
    # step however many times its line has changed URN
    # (docs/rules.md, "Academy conversions").
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text="The school that carried it on when it closed (the register's links).",
    )
    succeeded_on = models.DateField("succeeded on", null=True, blank=True)
    latest_successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The school its line leads to now: its successor, or that one's, and so on.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(successor__isnull=True, latest_successor__isnull=True)
                | models.Q(successor__isnull=False, latest_successor__isnull=False),
                name="members_school_successor_with_latest",
            ),
            models.CheckConstraint(
                condition=~models.Q(successor=models.F("pk"))
                & ~models.Q(latest_successor=models.F("pk")),
                name="members_school_not_own_successor",
            ),
        ]
        indexes = [
            # Eligibility and the directory filter schools by area and sector.
            models.Index(fields=["local_authority", "sector"], name="members_school_la_sector"),
            # School search lists matches in name order.
            models.Index(fields=["name"], name="members_school_name"),
        ]

    def __str__(self):
        return f"{self.name}, {self.town}" if self.town else self.name

    @property
    def is_open(self):
        return self.status != self.Status.CLOSED

    @property
    def line_ids(self) -> list[int]:
        """This school and the school that carries it on now, if it closed into another: the
        schools whose heads answer for its records (its fee invoices). No query."""
        return (
            [self.pk] if self.latest_successor_id is None else [self.pk, self.latest_successor_id]
        )

    def own_domain(self) -> str:
        """The school's own web domain, where an address proves someone works here ("" when
        it has none): the rule and its reasons are in members.web_domains. One query."""
        host = web_domains.host_of(self.website)
        if not host:
            return ""
        # Only websites that contain the host can fall under it: the database narrows
        # the register down, the rule decides.
        others = (
            School.objects.open()
            .exclude(pk=self.pk)
            .filter(website__icontains=host)
            .values_list("website", flat=True)
        )
        return web_domains.own_domain(self.website, others)

    def register_names_as_head(self, person) -> bool:
        """Whether the register's head of the school has the person's first and last name.

        Case and spacing do not count ("Mary  ann" is "Mary Ann"); the title is ignored.
        """
        register = (_name_key(self.head_first_name), _name_key(self.head_last_name))
        return all(register) and register == (
            _name_key(person.first_name),
            _name_key(person.last_name),
        )


def in_school_lines(field: str, school_ids: Iterable[int]) -> models.Q:
    """Rows whose school (`field`) is one of these schools, or a school one of them carries
    on after it closed (an academy conversion): a school's records include its
    predecessors' (docs/rules.md, "Academy conversions")."""
    ids = list(school_ids)
    return models.Q(**{f"{field}__in": ids}) | models.Q(**{f"{field}__latest_successor__in": ids})


def _name_key(name: str) -> str:
    return "".join(name.split()).casefold()


def posts_with_schools() -> models.Prefetch:
    return models.Prefetch("posts", queryset=Post.objects.select_related("school__local_authority"))


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def normalize_email(self, email: str | None) -> str:
        # The whole address is compared without case, so store it lower-cased.
        return (email or "").strip().lower()

    def with_posts(self) -> models.QuerySet["User"]:
        """People with their posts and schools prefetched: what eligibility reads."""
        return self.prefetch_related(posts_with_schools())

    def load_posts(self, people) -> None:
        """Prefetch the posts of people already loaded (one query for all of them)."""
        models.prefetch_related_objects(list(people), posts_with_schools())

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with a Headnet account; the email address is the login."""

    email = models.EmailField("email address", max_length=254, unique=True)
    title = models.CharField(max_length=20, blank=True, help_text="For example Mrs, Mr, Dr.")
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    # Site staff are superusers. is_staff only opens the admin site, where a
    # network's administrators see their own networks.
    is_staff = models.BooleanField(
        "admin site access",
        default=False,
        help_text="Can sign in to the admin site. Site staff are superusers.",
    )
    show_email_to_members = models.BooleanField(
        "show my email address to members of my networks",
        default=False,
        help_text=(
            "Members of your networks, their coordinators and administrators see your "
            "address only if you tick this, on member lists and in the administrators' "
            "exports. Headnet's own staff, who run the site, can always see it. Nobody "
            "else ever does."
        ),
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    # Not a field: networks.access remembers here, for one request, the networks the
    # person administers (a bare annotation, so only the type checker sees it).
    _administered_network_ids: set[int]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [
            # Addresses are stored lower-cased, so the unique index on email
            # also makes them unique regardless of case.
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="members_user_email_lowercase"
            ),
        ]
        indexes = [
            # A network's member list in name order (networks.views.network_members): the
            # database walks this index and stops after a page, from either end.
            models.Index(fields=["last_name", "first_name", "id"], name="members_user_name_order"),
            # The leaders directory counts its listed people who are active: with this,
            # PostgreSQL looks each of them up rather than walking every account's row.
            models.Index(
                fields=["id"], condition=models.Q(is_active=True), name="members_user_active"
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = User.objects.normalize_email(self.email)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = User.objects.normalize_email(self.email)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("portal:person", args=[self.pk])

    def get_full_name(self) -> str:
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def has_complete_profile(self) -> bool:
        """Named, with at least one post: enough for eligibility to be worked out.

        A network's administrator (is_staff comes with the role) needs no post: an
        association's paid administrator is often not a head, and is not sent to
        complete a profile on every sign-in.
        """
        if not (self.first_name and self.last_name):
            return False
        # posts.all() rather than exists(), so prefetched posts cost no query.
        return self.is_staff or bool(self.posts.all())

    def current_posts(self, on: datetime.date | None = None) -> list["Post"]:
        """Posts held on the day (today by default); uses prefetched posts if present."""
        on = on or timezone.localdate()
        return [post for post in self.posts.all() if post.is_current(on)]

    @property
    def current_post(self) -> "Post | None":
        """The most recent current post: the one lists show beside the name."""
        posts = self.current_posts()
        return posts[0] if posts else None

    @property
    def current_school(self) -> "School | None":
        """The school of the person's most recent current post (uses prefetched posts)."""
        posts = self.current_posts()
        return posts[0].school if posts else None

    @property
    def current_school_name(self) -> str:
        school = self.current_school
        return school.name if school else ""

    @property
    def name_with_school(self) -> str:
        """ "Mrs Ann Smith, Banbury School": how lists name a person to other members."""
        name = self.get_full_name() or "A member"
        school = self.current_school_name
        return f"{name}, {school}" if school else name

    def is_new_head(self, on: datetime.date | None = None) -> bool:
        """Currently a head, and the first headship began less than two years ago."""
        on = on or timezone.localdate()
        headships = [post for post in self.posts.all() if post.is_headship]
        if not any(post.is_current(on) for post in headships):
            return False
        first_started = min(post.started_on for post in headships)
        return on < years_after(first_started, NEW_HEAD_YEARS)


class PostQuerySet(models.QuerySet["Post"]):
    def current(self, on: datetime.date | None = None) -> Self:
        """Held on the day; a rejected claim is never held."""
        on = on or timezone.localdate()
        return (
            self.filter(started_on__lte=on)
            .filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=on))
            .exclude(verification=Post.Verification.REJECTED)
        )

    def headships(self) -> Self:
        return self.filter(role__in=Post.HEAD_ROLES)

    def with_account_evidence(self) -> Self:
        """With the decision that confirmed each post on a school account's evidence, for
        Post.account_evidence (one query for the lot)."""
        return self.prefetch_related(
            models.Prefetch(
                "decisions",
                queryset=PostDecision.objects.by_school_account(),
                to_attr="_account_evidence",
            )
        )

    def verified(self) -> Self:
        return self.filter(verification=Post.Verification.VERIFIED)

    def claims(self) -> Self:
        """Unverified posts not yet ended: the claims waiting for someone to decide."""
        today = timezone.localdate()
        return self.filter(verification=Post.Verification.UNVERIFIED).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=today)
        )

    def seat_questions(self) -> Self:
        """Verified headships waiting for a decision on whether the school's seats pass to
        them from its sitting head (networks.services.hand_over_school_seats asks)."""
        today = timezone.localdate()
        return self.filter(
            verification=Post.Verification.VERIFIED, seat_question=Post.SeatQuestion.ASKED
        ).filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=today))

    def awaiting_decision(self) -> Self:
        """Claims and seat questions: the work waiting for a school's head, its networks'
        administrators or site staff."""
        return self.claims() | self.seat_questions()

    def verified_automatically(self) -> Self:
        """Headships verified by evidence alone, not yet ended: their schools' networks'
        administrators may revoke them."""
        today = timezone.localdate()
        return (
            self.headships()
            .filter(verification=Post.Verification.VERIFIED, verified_how__in=Post.AUTOMATIC)
            .filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=today))
        )


class Post(models.Model):
    """A role a person holds or held at a school, from a start date to an optional end."""

    class Role(models.TextChoices):
        HEADTEACHER = "headteacher", "Headteacher"
        EXECUTIVE_HEAD = "executive_head", "Executive head"
        HEAD_OF_SCHOOL = "head_of_school", "Head of school"
        INTERIM_HEAD = "interim_head", "Interim or acting head"
        SENIOR_LEADER = "senior_leader", "Deputy or senior leader"
        BUSINESS_LEADER = "business_leader", "School business leader"
        CHAIR_OF_GOVERNORS = "chair_of_governors", "Chair of governors"
        LA_OFFICER = "la_officer", "Local authority officer"

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", "Not yet confirmed"
        VERIFIED = "verified", "Confirmed"
        REJECTED = "rejected", "Rejected"

    class How(models.TextChoices):
        """How a claim was decided: the evidence, or the capacity of the person deciding."""

        # Until issue 19 a headship was verified by the register's head name alone; the
        # members 0007 migration re-examined those under today's rule.
        REGISTER = "register", "The register's head name alone (the old rule)"
        SCHOOL_DOMAIN = "school_domain", "Verified address at the school's own web domain"
        REGISTER_AND_DOMAIN = (
            "register_and_domain",
            "The register's head, with an address at the school's own web domain",
        )
        SCHOOL_HEAD = "school_head", "By the school's head"
        NETWORK_ADMINISTRATOR = "network_administrator", "By an administrator of its network"
        SITE_STAFF = "site_staff", "By site staff"
        # Its organisation in DfE Sign-in is the school: they work there (never a headship).
        DFE_SIGN_IN = "dfe_sign_in", "An account in the school's organisation in DfE Sign-in"
        # A PostDecision only: a verification undone because its evidence no longer suffices.
        REEXAMINED = "reexamined", "Re-examined: the evidence no longer suffices"

    class SeatQuestion(models.TextChoices):
        """A verified headship at a school whose verified head is in post: do the school's
        seats pass to it? Only a decision moves them (docs/rules.md, "Seats and hand-over")."""

        NONE = "", "No question"
        ASKED = "asked", "Asked: the seats stay with the sitting head meanwhile"
        PASSED = "passed", "Decided: the seats pass to this head"
        KEPT = "kept", "Decided: the seats stay with the sitting head"

    # The roles that lead a school: its "head" for networks of heads.
    HEAD_ROLES = (
        Role.HEADTEACHER,
        Role.EXECUTIVE_HEAD,
        Role.HEAD_OF_SCHOOL,
        Role.INTERIM_HEAD,
    )
    # What an address at the school's own domain proves: that the person works there,
    # enough for these posts. Never a headship on its own, nor a council officer's post.
    ROLES_AN_ADDRESS_PROVES = (
        Role.SENIOR_LEADER,
        Role.BUSINESS_LEADER,
        Role.CHAIR_OF_GOVERNORS,
    )
    # Decided by evidence alone, by no one.
    AUTOMATIC = (How.REGISTER, How.SCHOOL_DOMAIN, How.REGISTER_AND_DOMAIN, How.DFE_SIGN_IN)

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="posts")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="posts")
    role = models.CharField(max_length=20, choices=Role)
    started_on = models.DateField("start date")
    ended_on = models.DateField("end date", null=True, blank=True)
    # A declared post is a claim until it is verified: only a verified post takes a
    # school's seat or counts for a school-based or automatic network. Decided
    # through members.services (verify_post, reject_post), each decision recorded.
    verification = models.CharField(
        max_length=12, choices=Verification, default=Verification.UNVERIFIED
    )
    verified_how = models.CharField("how it was decided", max_length=25, choices=How, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # For a verified headship beside a verified head in post. Set and decided only by
    # networks.services (hand_over_school_seats, pass_school_seats, keep_school_seats).
    seat_question = models.CharField(max_length=6, choices=SeatQuestion, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "pk"]
        constraints = [
            # A double click on "Add post" must not record the post twice.
            models.UniqueConstraint(
                fields=["person", "school", "role", "started_on"], name="members_post_once"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="members_post_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(verification="unverified", verified_how="")
                | (~models.Q(verification="unverified") & ~models.Q(verified_how="")),
                name="members_post_decided_says_how",
            ),
        ]
        indexes = [
            # "Who leads this school now?" when a headship changes hands.
            models.Index(fields=["school", "role", "ended_on"], name="members_post_school_role"),
        ]

    def __str__(self):
        return f"{self.get_role_display()}, {self.school.name}"

    def clean(self):
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "A post cannot end before it starts."})

    @property
    def is_headship(self) -> bool:
        return self.role in self.HEAD_ROLES

    @property
    def is_verified(self) -> bool:
        return self.verification == self.Verification.VERIFIED

    @property
    def is_claim(self) -> bool:
        """Unverified and not ended: someone may still confirm or reject it."""
        today = timezone.localdate()
        return self.verification == self.Verification.UNVERIFIED and (
            self.ended_on is None or self.ended_on >= today
        )

    @property
    def awaits_seat_decision(self) -> bool:
        """Verified, not ended, and asked whether the school's seats pass to it."""
        return (
            self.is_verified
            and self.seat_question == self.SeatQuestion.ASKED
            and not self._has_ended()
        )

    @property
    def is_revocable(self) -> bool:
        """A headship verified by evidence alone, not ended: its school's networks'
        administrators and site staff may revoke it."""
        return (
            self.is_headship
            and self.is_verified
            and self.verified_how in self.AUTOMATIC
            and not self._has_ended()
        )

    def _has_ended(self) -> bool:
        return self.ended_on is not None and self.ended_on < timezone.localdate()

    def account_evidence(self) -> "PostDecision | None":
        """The decision that confirmed the post on the evidence of a school account
        (Microsoft, Google, DfE Sign-in), if it stands: one query, none after
        Post.objects.with_account_evidence()."""
        if not self.is_verified:
            return None
        if hasattr(self, "_account_evidence"):
            decisions = self._account_evidence
        else:
            decisions = list(PostDecision.objects.by_school_account().filter(post=self)[:1])
        return decisions[0] if decisions else None

    def is_current(self, on: datetime.date | None = None) -> bool:
        """Held on the day (today by default); a rejected claim is never held."""
        on = on or timezone.localdate()
        return (
            self.verification != self.Verification.REJECTED
            and self.started_on <= on
            and (self.ended_on is None or self.ended_on >= on)
        )


class PostDecisionQuerySet(models.QuerySet["PostDecision"]):
    def by_school_account(self) -> Self:
        """Confirmations on a school account's evidence, newest first."""
        return self.filter(outcome=Post.Verification.VERIFIED).exclude(evidence_provider="")


class PostDecision(models.Model):
    """A decision on a claimed post: confirmed or rejected, how, by whom and when."""

    class Provider(models.TextChoices):
        """The school account that gave the evidence (members.school_accounts)."""

        NONE = "", "None"
        MICROSOFT = "microsoft", "Microsoft account"
        GOOGLE = "google", "Google account"
        DFE = "dfe", "DfE Sign-in account"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=12, choices=Post.Verification)
    how = models.CharField(max_length=25, choices=Post.How)
    # Evidence from signing in with a school's account: which provider, and what it proved
    # (the domain of the account's address, or the URN of its DfE Sign-in organisation).
    evidence_provider = models.CharField(max_length=10, choices=Provider, blank=True, default="")
    evidence_detail = models.CharField(max_length=255, blank=True, default="")
    # Empty for automatic checks, and once the person who decided closes their account.
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    objects = PostDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.post} ({self.get_how_display()})"

    @property
    def account_label(self) -> str:
        """The school account that gave the evidence, in words: "Microsoft account at
        oakfield.sch.uk", "DfE Sign-in account, organisation URN 123456"; "" for none."""
        if not self.evidence_provider:
            return ""
        if self.evidence_provider == self.Provider.DFE:
            return f"DfE Sign-in account, organisation URN {self.evidence_detail}"
        return f"{self.get_evidence_provider_display()} at {self.evidence_detail}"


class DesignationQuerySet(models.QuerySet["Designation"]):
    def confirmed(self) -> Self:
        return self.filter(state=Designation.State.CONFIRMED)

    def claims(self) -> Self:
        """Designations people have added that nobody has confirmed or rejected yet."""
        return self.filter(state=Designation.State.CLAIMED)


class Designation(models.Model):
    """A recognised role a person holds beyond their post (a national leader of education).

    A person adds one with its evidence; it counts (the leaders directory shows it) only
    once a network administrator of their area or site staff confirms it.
    """

    class Kind(models.TextChoices):
        NATIONAL_LEADER = "nle", "National leader of education"
        LOCAL_LEADER = "lle", "Local leader of education"
        ADVISORY_HEAD = "advisory_head", "Advisory head"
        EXECUTIVE_HEAD = "executive_head", "Executive head"
        INTERIM_HEAD = "interim_head", "Interim head available for deployment"
        PROFESSIONAL_PARTNER = "professional_partner", "Professional partner"
        MENTOR = "mentor", "Mentor"
        NPQH_HOST_SCHOOL = "npqh_host_school", "NPQH host school"
        ASSOCIATE_HEAD = "associate_head", "Associate head"

    class State(models.TextChoices):
        CLAIMED = "claimed", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Not confirmed"

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="designations")
    kind = models.CharField(max_length=25, choices=Kind)
    since = models.DateField(null=True, blank=True)
    evidence = models.TextField(
        blank=True,
        help_text="Where the designation can be checked: the awarding body, a letter, a link.",
    )
    state = models.CharField(max_length=10, choices=State, default=State.CLAIMED)
    # Empty for designations staff set in the admin, and once the person who
    # decided closes their account.
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="members_designation_once"),
        ]

    def __str__(self):
        return self.get_kind_display()

    @property
    def is_confirmed(self) -> bool:
        return self.state == self.State.CONFIRMED


class EmailSuppression(models.Model):
    """An address that bulk mail (announcements, digests) must not go to any more.

    Repeated permanent bounces or one spam complaint stop it, as the large mailbox
    providers ask; account, security, fee and meeting-change emails still go. The row
    is per address, so a person who changes to a working address is unaffected; they
    may also say they have fixed the old one, which lifts the stop.
    """

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "Messages to it bounced"
        COMPLAINED = "complained", "It reported one of our messages as spam"

    address = models.EmailField(max_length=254, unique=True)
    hard_bounces = models.PositiveSmallIntegerField(default=0)
    last_bounce_at = models.DateTimeField(null=True, blank=True)
    complained_at = models.DateTimeField(null=True, blank=True)
    # Set when the address stops getting bulk mail; cleared when its owner fixes it.
    suppressed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=12, choices=Reason, blank=True)

    def __str__(self):
        return self.address

    def page_scopes(self) -> list[str]:
        """Its owner's /me/ says that bulk mail to the address stopped; the office's member
        lists mark the people whose mail stops."""
        return [address_scope(self.address), MAIL_STOPS_SCOPE]

    @property
    def is_suppressed(self) -> bool:
        return self.suppressed_at is not None
