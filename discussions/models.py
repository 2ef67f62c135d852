"""Members talking to each other (docs/product.md, "Discussions (`discussions/`)"):
threads in a network, a sub-group or a workhub, their posts, reports of posts, and how
each person wants to hear of them by email.

A post's author is kept when their account closes (the post shows "Former member"), and
set to nobody only if they ask for their posts to go.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from networks.models import Network, Workhub

# The longest a post's text may be, in characters: on the site's form and by email alike
# (a reply by email longer than this is dropped, discussions.inbound).
POST_BODY_MAX_LENGTH = 20_000

# A thread's pages of posts, kept for their readers (core.pagecache): its posts and its
# own row name it. Nothing else about discussions is on a kept page.
THREAD_SCOPE = "thread:{pk}"


def thread_scope(pk: int) -> str:
    return THREAD_SCOPE.format(pk=pk)


class Thread(models.Model):
    # A sub-group's thread is on the sub-group (a network with a parent); a workhub's is
    # on its network and names the workhub, and stays readable in the workhub's year.
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="threads")
    workhub = models.ForeignKey(
        Workhub, on_delete=models.CASCADE, null=True, blank=True, related_name="threads"
    )
    title = models.CharField(max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Kept by the services as posts are added, so the list needs no aggregate.
    last_posted_at = models.DateTimeField(default=timezone.now)
    post_count = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-last_posted_at", "-pk"]
        indexes = [
            models.Index(
                fields=["network", "workhub", "-last_posted_at"], name="discussions_thread_list"
            ),
        ]

    def __str__(self):
        return self.title

    def page_scopes(self) -> list[str]:
        return [thread_scope(self.pk)]

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    # 1 for the thread's first post, then in order: pages are ranges of it.
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="discussion_posts",
    )
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    # The post this one quotes, if any.
    quotes = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Deleted by its author: shown as removed, its text gone.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Hidden by a coordinator, with a reason (audited); the text is kept for them.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    hidden_reason = models.CharField(max_length=500, blank=True)
    # Arrived as a reply by email.
    by_email = models.BooleanField(default=False)

    class Meta:
        ordering = ["thread", "number"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "number"], name="discussions_post_number"),
        ]

    def __str__(self):
        return f"{self.thread} #{self.number}"

    def page_scopes(self) -> list[str]:
        return [thread_scope(self.thread_id)]


def thread_scopes_of(posts: models.QuerySet[Post]) -> set[str]:
    """The scopes of the threads these posts are in: what a queryset update of them
    (which sends no signal) changes (core.pagecache.invalidate)."""
    thread_ids = posts.order_by().values_list("thread_id", flat=True).distinct()
    return {thread_scope(pk) for pk in thread_ids}


class PostReport(models.Model):
    """A member's report of a post to the network's coordinators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Report on {self.post}"


class ThreadFollow(models.Model):
    """One person's choice for one thread: follow it (every post) or mute it (nothing)."""

    class Choice(models.TextChoices):
        FOLLOW = "follow", "Following: an email for every post"
        MUTE = "mute", "Muted: no emails"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_follows"
    )
    choice = models.CharField(max_length=10, choices=Choice)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "person"], name="discussions_follow_once"),
        ]

    def __str__(self):
        return f"{self.person} {self.choice} {self.thread}"


class DiscussionPreference(models.Model):
    """How a person wants a network's discussions by email. No row: every new thread."""

    class Choice(models.TextChoices):
        THREADS = "threads", "Every new thread"
        POSTS = "posts", "Every post"
        DIGEST = "digest", "In the weekly digest"
        NONE = "none", "None"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_preferences"
    )
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice, default=Choice.THREADS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "network"], name="discussions_one_preference"
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.choice} for {self.network}"


class PostNotification(models.Model):
    """The email about one post to one person: the row that stops a second one."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="notifications")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "person"], name="discussions_notify_once"),
        ]

    def __str__(self):
        return f"{self.post} to {self.person_id}"


class InboundReply(models.Model):
    """A reply by email as it arrived, and what became of it (kept to explain a drop)."""

    class Outcome(models.TextChoices):
        POSTED = "posted", "Posted"
        BAD_TOKEN = "bad_token", "Dropped: the reply address is not one of ours"
        REPLAYED = "replayed", "Dropped: that reply was already taken"
        WRONG_SENDER = "wrong_sender", "Dropped: sent by someone else"
        AUTO_REPLY = "auto_reply", "Dropped: an automatic reply"
        NOT_ALLOWED = "not_allowed", "Dropped: the person may no longer post there"
        EMPTY = "empty", "Dropped: nothing left after quotes and signature"
        TOO_LONG = "too_long", "Dropped: longer than a post may be"

    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=15, choices=Outcome)
    # The provider's message id, so a webhook delivered twice posts once.
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.get_outcome_display()} at {self.received_at:%Y-%m-%d %H:%M}"
