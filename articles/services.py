"""Articles and stories: writing, publishing, sharing and moderating. No request, no
permission checks: views ask articles.access first."""

from collections.abc import Sequence
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.email import queue_templated_email
from members.models import User
from networks.models import Network

from .models import Article, Story, StoryInbox, new_story_token

ARTICLE_TEXT_FIELDS = ("title", "summary", "body")


class ArticleChanges(TypedDict, total=False):
    """What an edit may change on an article (its state changes only by publishing)."""

    title: str
    summary: str
    body: str
    audience: str


@transaction.atomic
def create_article(
    *,
    network: Network,
    by: User | None,
    title: str,
    summary: str,
    body: str,
    audience: str = Article.Audience.PUBLIC,
    authors: Sequence[User] = (),
) -> Article:
    """A draft article of the network, with its named authors."""
    article = Article.objects.create(
        network=network,
        title=title,
        summary=summary,
        body=body,
        audience=audience,
        created_by=by,
    )
    article.authors.set(authors)
    return article


@transaction.atomic
def update_article(
    *, article: Article, authors: Sequence[User] | None = None, **fields: Unpack[ArticleChanges]
) -> Article:
    """Change an article; a change to the text of a published one shows as an update."""
    changed = [name for name, value in fields.items() if getattr(article, name) != value]
    for name, value in fields.items():
        setattr(article, name, value)
    if article.is_published and set(changed) & set(ARTICLE_TEXT_FIELDS):
        article.revised_at = timezone.now()
    article.save()
    if authors is not None:
        article.authors.set(authors)
    return article


@transaction.atomic
def publish_article(*, article: Article) -> Article:
    """Publish a draft now (publishing a published article changes nothing)."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not article.is_published:
        article.state = Article.State.PUBLISHED
        article.published_at = timezone.now()
        article.save(update_fields=["state", "published_at"])
    return article


@transaction.atomic
def unpublish_article(*, article: Article) -> Article:
    """Take an article back to draft; publishing it again gives it a new date."""
    article.state = Article.State.DRAFT
    article.published_at = None
    article.revised_at = None
    article.save(update_fields=["state", "published_at", "revised_at"])
    return article


# Stories ------------------------------------------------------------------------


def accepts_stories(network: Network) -> bool:
    return StoryInbox.objects.filter(network=network, is_open=True).exists()


@transaction.atomic
def set_story_inbox(*, network: Network, is_open: bool, invitation: str = "") -> StoryInbox:
    """Open or close the network to stories."""
    inbox, _ = StoryInbox.objects.update_or_create(
        network=network, defaults={"is_open": is_open, "invitation": invitation}
    )
    return inbox


def _tell_coordinators(network: Network) -> None:
    # Nothing about the story or who sent it: the email and its task row are kept
    # for days, and must not tie an anonymous story to anyone.
    recipients = network.coordinator_emails()
    if recipients:
        queue_templated_email(
            "articles/email/story_waiting",
            to=recipients,
            context={
                "network": network,
                "path": reverse("articles:moderation", args=[network.slug]),
            },
        )


@transaction.atomic
def submit_story(
    *, network: Network, title: str, body: str, author: User | None
) -> tuple[Story, str]:
    """Send a story to the network's coordinators; returns it with the author's private
    token, which is shown once and kept only as a hash. `author=None`: anonymous, and
    nothing stored anywhere links it to whoever sent it."""
    if not accepts_stories(network):
        raise ValidationError(f"{network.label} is not taking stories at the moment.")
    token, token_hash = new_story_token()
    story = Story.objects.create(
        network=network, title=title, body=body, author=author, token_hash=token_hash
    )
    # No email now: its task row would record the moment the story was sent, which
    # a server log of the author's other requests could match. tell_story_moderators
    # tells coordinators in batches.
    return story, token


def tell_coordinators_of_waiting_stories() -> int:
    """Email each network's coordinators once about stories waiting that they have not
    heard of (run every hour or so); returns how many networks were told."""
    told = 0
    waiting = Story.objects.waiting().filter(coordinators_told=False)
    for network in Network.objects.filter(pk__in=waiting.values("network")):
        with transaction.atomic():
            marked = waiting.filter(network=network).update(coordinators_told=True)
            if marked:
                _tell_coordinators(network)
                told += 1
    return told


def _locked(story: Story) -> Story:
    return Story.objects.select_for_update().get(pk=story.pk)


@transaction.atomic
def publish_story(*, story: Story) -> Story:
    """Make the story public on the network's stories page."""
    story = _locked(story)
    if story.state != Story.State.PUBLISHED:
        story.state = Story.State.PUBLISHED
        story.published_at = timezone.now()
        story.save(update_fields=["state", "published_at"])
    return story


@transaction.atomic
def return_story(*, story: Story, note: str) -> Story:
    """Send the story back to its author with a note (read on their private page)."""
    if not note.strip():
        raise ValidationError("Say what the author should change.")
    story = _locked(story)
    if story.state != Story.State.SUBMITTED:
        raise ValidationError("Only a story waiting for moderation can be returned.")
    story.state = Story.State.RETURNED
    story.note = note
    story.save(update_fields=["state", "note"])
    return story


@transaction.atomic
def reject_story(*, story: Story, note: str = "") -> Story:
    """Decide not to publish the story (a published one is taken down)."""
    story = _locked(story)
    story.state = Story.State.REJECTED
    story.note = note
    story.published_at = None
    story.save(update_fields=["state", "note", "published_at"])
    return story


@transaction.atomic
def revise_story(*, story: Story, title: str, body: str) -> Story:
    """The author's new version of a returned story goes back to the coordinators."""
    story = _locked(story)
    if story.state != Story.State.RETURNED:
        raise ValidationError("Only a story returned to you can be changed.")
    story.title, story.body = title, body
    story.state = Story.State.SUBMITTED
    story.coordinators_told = False
    story.save()
    return story


@transaction.atomic
def withdraw_story(*, story: Story) -> None:
    """The author takes the story back: it is deleted, published or not."""
    Story.objects.filter(pk=story.pk).delete()
