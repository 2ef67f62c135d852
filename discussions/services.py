"""The only door for a change to the discussions: views, the reply-by-email receiver and
the demo data call these.

They check the state of things (a locked thread, a removed post, an empty text) and raise
ValidationError; who may call them is discussions.access's question, asked first by the
caller. Moderation (hiding a post, locking a thread, resolving a report) is on the audit
trail, with the network it happened in.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import audit, pagecache
from core.markdown import render_markdown
from members.models import User
from networks.models import Network, Workhub

from .models import Post, PostReport, Thread, thread_scopes_of
from .signals import post_added

TITLE_MAX = 200
BODY_MAX = 20_000
REASON_MAX = 500


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError("Write something first.")
    if len(body) > BODY_MAX:
        raise ValidationError(f"A post is at most {BODY_MAX:,} characters.")
    return body


@transaction.atomic
def start_thread(
    *,
    network: Network,
    author: User,
    title: str,
    body: str,
    workhub: Workhub | None = None,
    notify: bool = True,
) -> Thread:
    """A new thread with its first post (`notify=False`: nobody is emailed, for demo data)."""
    title = (title or "").strip()
    if not title:
        raise ValidationError("Give the thread a title.")
    if len(title) > TITLE_MAX:
        raise ValidationError(f"A title is at most {TITLE_MAX} characters.")
    if workhub is not None and workhub.network_id != network.pk:
        raise ValidationError("That workhub is another network's.")
    if workhub is not None and workhub.is_past:
        raise ValidationError("An earlier year's workhub is a record: nothing new starts there.")
    body = _check_body(body)
    now = timezone.now()
    thread = Thread.objects.create(
        network=network, workhub=workhub, title=title, started_by=author,
        created_at=now, last_posted_at=now,
    )  # fmt: skip
    add_post(thread=thread, author=author, body=body, notify=notify)
    return thread


@transaction.atomic
def add_post(
    *,
    thread: Thread,
    author: User,
    body: str,
    quotes: Post | None = None,
    by_email: bool = False,
    moderator: bool = False,
    notify: bool = True,
) -> Post:
    """A post at the end of the thread; the thread's count and time follow. A locked
    thread takes a post only from a moderator (`moderator`, as access says). With
    `notify=False` (demo data) nobody is emailed of it."""
    body = _check_body(body)
    # The thread's row is locked so that two replies at once get numbers one apart.
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    if locked.is_locked and not moderator:
        raise ValidationError("This thread is locked: no new posts.")
    if locked.workhub is not None and locked.workhub.is_past:
        raise ValidationError("An earlier year's workhub is a record: nothing new is added.")
    if quotes is not None and quotes.thread_id != locked.pk:
        raise ValidationError("A post quotes only a post of its own thread.")
    now = timezone.now()
    post = Post.objects.create(
        thread=locked, number=locked.post_count + 1, author=author, body=body,
        body_html=render_markdown(body), quotes=quotes, by_email=by_email, created_at=now,
    )  # fmt: skip
    Thread.objects.filter(pk=locked.pk).update(post_count=F("post_count") + 1, last_posted_at=now)
    thread.post_count = locked.post_count + 1
    thread.last_posted_at = now
    post_added.send(sender=Post, post=post, notify=notify)
    return post


def _fresh(post: Post) -> Post:
    """The post's row, locked for the change."""
    return Post.objects.select_for_update().select_related("thread").get(pk=post.pk)


@transaction.atomic
def edit_post(*, post: Post, by: User, body: str) -> Post:
    """Its author's new text; the post shows "edited". Not once removed or hidden, nor in a
    locked thread."""
    body = _check_body(body)
    row = _fresh(post)
    if row.author_id != by.pk:
        raise ValidationError("Only its author can edit a post.")
    if row.deleted_at is not None or row.hidden_at is not None:
        raise ValidationError("This post can no longer be edited.")
    if row.thread.is_locked:
        raise ValidationError("This thread is locked: its posts can no longer be edited.")
    if body == row.body:
        return row
    row.body = body
    row.body_html = render_markdown(body)
    row.edited_at = timezone.now()
    row.save(update_fields=["body", "body_html", "edited_at"])
    return row


@transaction.atomic
def delete_post(*, post: Post, by: User) -> Post:
    """Its author removes it: the text goes; the post's place in the thread stays, shown as
    removed, so the numbers and quotes around it still make sense."""
    row = _fresh(post)
    if row.author_id != by.pk:
        raise ValidationError("Only its author can remove a post.")
    if row.deleted_at is not None:
        return row
    _remove(row)
    return row


def _remove(row: Post) -> None:
    row.body = ""
    row.body_html = ""
    row.deleted_at = timezone.now()
    row.save(update_fields=["body", "body_html", "deleted_at"])


@transaction.atomic
def hide_post(*, post: Post, by: User, reason: str) -> Post:
    """A moderator hides the post from members, with a reason they see; the text is kept
    for the moderators. On the audit trail."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the post is hidden: members see the reason.")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"A reason is at most {REASON_MAX} characters.")
    row = _fresh(post)
    if row.deleted_at is not None:
        raise ValidationError("Its author has already removed this post.")
    if row.hidden_at is not None:
        return row
    row.hidden_at = timezone.now()
    row.hidden_by = by
    row.hidden_reason = reason
    row.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    audit.record(
        obj=row, action="discussions.post_hidden", actor=by, subject=row.author,
        summary=f"Post hidden: {reason}", network_id=row.thread.network_id,
        object_repr=f"Post {row.number} in thread {row.thread_id}",
    )  # fmt: skip
    # Reports on it are answered by hiding it.
    PostReport.objects.filter(post=row, resolved_at=None).update(
        resolved_at=row.hidden_at, resolved_by=by
    )
    return row


@transaction.atomic
def unhide_post(*, post: Post, by: User) -> Post:
    """A moderator shows a hidden post again. On the audit trail."""
    row = _fresh(post)
    if row.hidden_at is None:
        return row
    row.hidden_at = None
    row.hidden_by = None
    row.hidden_reason = ""
    row.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    audit.record(
        obj=row, action="discussions.post_shown", actor=by, subject=row.author,
        summary="Hidden post shown again", network_id=row.thread.network_id,
        object_repr=f"Post {row.number} in thread {row.thread_id}",
    )  # fmt: skip
    return row


@transaction.atomic
def lock_thread(*, thread: Thread, by: User) -> Thread:
    """No new posts but a moderator's. On the audit trail."""
    row = Thread.objects.select_for_update().get(pk=thread.pk)
    if row.is_locked:
        return row
    row.locked_at = timezone.now()
    row.locked_by = by
    row.save(update_fields=["locked_at", "locked_by"])
    audit.record(
        obj=row, action="discussions.thread_locked", actor=by, summary="Thread locked",
        network_id=row.network_id, object_repr=f"Thread {row.pk}",
    )  # fmt: skip
    return row


@transaction.atomic
def unlock_thread(*, thread: Thread, by: User) -> Thread:
    """Open the thread to posts again. On the audit trail."""
    row = Thread.objects.select_for_update().get(pk=thread.pk)
    if not row.is_locked:
        return row
    row.locked_at = None
    row.locked_by = None
    row.save(update_fields=["locked_at", "locked_by"])
    audit.record(
        obj=row, action="discussions.thread_unlocked", actor=by, summary="Thread unlocked",
        network_id=row.network_id, object_repr=f"Thread {row.pk}",
    )  # fmt: skip
    return row


@transaction.atomic
def report_post(*, post: Post, by: User, reason: str) -> PostReport:
    """A member tells the network's coordinators about a post (once while it is open)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say what is wrong with the post.")
    if len(reason) > 2000:
        raise ValidationError("A report is at most 2,000 characters.")
    if post.author_id == by.pk:
        raise ValidationError("You can edit or remove your own post instead.")
    if post.deleted_at is not None or post.hidden_at is not None:
        raise ValidationError("This post is no longer shown.")
    existing = PostReport.objects.filter(post=post, reported_by=by, resolved_at=None).first()
    if existing is not None:
        return existing
    return PostReport.objects.create(post=post, reported_by=by, reason=reason)


@transaction.atomic
def resolve_report(*, report: PostReport, by: User) -> PostReport:
    """A moderator closes a report without hiding the post. On the audit trail."""
    row = PostReport.objects.select_for_update().select_related("post__thread").get(pk=report.pk)
    if row.resolved_at is not None:
        return row
    row.resolved_at = timezone.now()
    row.resolved_by = by
    row.save(update_fields=["resolved_at", "resolved_by"])
    audit.record(
        obj=row, action="discussions.report_resolved", actor=by,
        summary="Report on a post closed; the post stays", network_id=row.post.thread.network_id,
        object_repr=f"Report on post {row.post.number} in thread {row.post.thread_id}",
    )  # fmt: skip
    return row


@transaction.atomic
def remove_posts_of(*, person: User) -> int:
    """Remove every post the person wrote (before closing their account, say): each shows
    as removed, its text gone. How many were removed."""
    posts = Post.objects.filter(author=person, deleted_at=None)
    if scopes := thread_scopes_of(posts):
        pagecache.invalidate(*scopes)
    return posts.update(body="", body_html="", deleted_at=timezone.now())
