"""The only door for a change to the discussions: views, the reply-by-email receiver and
the demo data call these."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.markdown import render_markdown
from members.models import User
from networks.models import Network, Workhub

from .models import Post, Thread
from .signals import post_added


@transaction.atomic
def start_thread(
    *, network: Network, author: User, title: str, body: str, workhub: Workhub | None = None
) -> Thread:
    """A new thread with its first post."""
    now = timezone.now()
    thread = Thread.objects.create(
        network=network, workhub=workhub, title=title, started_by=author,
        created_at=now, last_posted_at=now,
    )  # fmt: skip
    add_post(thread=thread, author=author, body=body)
    return thread


@transaction.atomic
def add_post(
    *, thread: Thread, author: User, body: str, quotes: Post | None = None, by_email: bool = False
) -> Post:
    """A post at the end of the thread; the thread's count and time follow."""
    # The thread's row is locked so that two replies at once get numbers one apart.
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    now = timezone.now()
    post = Post.objects.create(
        thread=locked, number=locked.post_count + 1, author=author, body=body,
        body_html=render_markdown(body), quotes=quotes, by_email=by_email, created_at=now,
    )  # fmt: skip
    Thread.objects.filter(pk=locked.pk).update(post_count=F("post_count") + 1, last_posted_at=now)
    post_added.send(sender=Post, post=post)
    return post
