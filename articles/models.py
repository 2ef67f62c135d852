import hashlib
import secrets
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.markdown import render_markdown
from networks.models import Network, network_scope

# Slugs the article URLs use for their own pages.
RESERVED_SLUGS = {"new"}
# Public articles across networks, as the home page lists them (core.pagecache).
ARTICLES_SCOPE = "articles"


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> Self:
        return self.filter(state=Article.State.PUBLISHED)

    def public(self) -> Self:
        return self.published().filter(audience=Article.Audience.PUBLIC)

    def for_lists(self) -> Self:
        """With the network and authors a list shows, in a fixed number of queries."""
        return self.select_related("network").prefetch_related("authors")


class Article(models.Model):
    """A network's published writing: public or for its members, by named authors."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Audience(models.TextChoices):
        PUBLIC = "public", "Anyone"
        MEMBERS = "members", "Members of the network only"

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(max_length=200)
    # Set once from the title: people bookmark and share the address.
    slug = models.SlugField(max_length=100)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="articles_written",
        help_text="Members named as its authors; they may edit it.",
    )
    summary = models.CharField(max_length=400, help_text="One or two sentences for lists.")
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    audience = models.CharField(max_length=10, choices=Audience, default=Audience.PUBLIC)
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    # Set when the text changes after publication: readers see "updated".
    revised_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "slug"], name="articles_article_slug"),
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(published_at__isnull=False),
                name="articles_article_published_has_date",
            ),
        ]
        indexes = [
            # A network's articles page and feed: its published articles, newest first.
            models.Index(fields=["network", "state", "published_at"], name="articles_article_list"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = self._free_slug()
        # Rendered once on save, not on every page view.
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.network.slug, self.slug])

    def page_scopes(self) -> list[str]:
        return [network_scope(self.network.slug), ARTICLES_SCOPE]

    def _free_slug(self) -> str:
        base = slugify(self.title)[:90] or "article"
        taken = (
            set(
                Article.objects.filter(
                    network_id=self.network_id, slug__startswith=base
                ).values_list("slug", flat=True)
            )
            | RESERVED_SLUGS
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.is_published and self.audience == self.Audience.PUBLIC

    @property
    def byline(self) -> str:
        """ "Ann Lee and Bob Roe", or the network's name when no author is named (uses
        prefetched authors)."""
        names = [person.get_full_name() or "A member" for person in self.authors.all()]
        if not names:
            return self.network.label
        if len(names) == 1:
            return names[0]
        return f"{', '.join(names[:-1])} and {names[-1]}"


class StoryInbox(models.Model):
    """Whether a network accepts stories from heads, and what it asks for."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="story_inbox")
    is_open = models.BooleanField(default=True)
    invitation = models.TextField(
        blank=True, help_text="Shown above the form: what kind of stories the network hopes for."
    )

    def __str__(self):
        return f"Stories to {self.network}"

    def page_scopes(self) -> list[str]:
        return [network_scope(self.network.slug)]


def new_story_token() -> tuple[str, str]:
    """A private token for a story's author, and the hash that is all we keep of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_story_token(token)


def hash_story_token(token: str) -> str:
    # A random 256-bit token needs no slow hash: nobody can guess one to match.
    return hashlib.sha256(token.encode()).hexdigest()


class StoryQuerySet(models.QuerySet["Story"]):
    def published(self) -> Self:
        return self.filter(state=Story.State.PUBLISHED)

    def waiting(self) -> Self:
        return self.filter(state=Story.State.SUBMITTED)


class Story(models.Model):
    """A head's story to a network, by name or anonymous; public only once a coordinator
    publishes it.

    An anonymous story keeps no link to its author: no person, no address, no time
    finer than the day. Its author reaches it only through the private token shown
    to them once, of which we keep a hash.
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for moderation"
        RETURNED = "returned", "Returned to the author"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Not published"

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="stories")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    # Only for a story told by name; an anonymous story never has one.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="stories",
    )
    state = models.CharField(max_length=10, choices=State, default=State.SUBMITTED)
    note = models.TextField(
        "note to the author", blank=True, help_text="Shown on the author's private page."
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Coordinators hear of waiting stories in a batch, not at the moment one is sent:
    # an email queued then would time-stamp the submission (see tell_story_moderators).
    coordinators_told = models.BooleanField(default=False)
    # A date, not a time: a time could be matched against a server's access log.
    submitted_on = models.DateField(default=timezone.localdate)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name_plural = "stories"
        indexes = [
            # The published stories page and the moderation queue.
            models.Index(fields=["network", "state", "published_at"], name="articles_story_list"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:story", args=[self.network.slug, self.pk])

    def page_scopes(self) -> list[str]:
        return [network_scope(self.network.slug)]

    @property
    def is_anonymous(self) -> bool:
        return self.author_id is None

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def byline(self) -> str:
        if self.author_id is None:
            return "Anonymous"
        return self.author.get_full_name() or "A member"
