"""Who hears of a new post by email, and the email they get (docs/rules.md, "Discussions
by email").

The people a thread's email may reach: the active members of its network (for a
workhub's thread, those of them in the workhub), with an active account, whose address
still gets bulk mail (members.suppression), never the post's author, never anyone who
muted the thread. Of them:

- a new thread (its post number 1) goes to those whose choice for the network is every
  new thread (the default, with no row) or every post;
- a reply goes to those whose choice is every post, and to the thread's followers;
- those whose choice is the weekly digest find the week's threads in it (digest_part);
  a thread they follow still emails them each post, as following asks.

The author of a post follows its thread from then on (they hear of the replies to what
they wrote), unless they muted it, or chose the weekly digest or none for the network:
those asked for fewer emails, and a post of theirs does not undo it.

The emails go from the task worker, not from the request that posts: a new thread in a
national network reaches over twenty thousand people. The post's transaction follows the
author to the thread and, on commit, queues one task (`notify_post`). The task reads the
recipients when it runs (someone who left the network meanwhile is not emailed; a post
deleted or hidden meanwhile emails nobody) and works through them in batches of
BATCH_SIZE, each in a transaction of its own.

One email per post per person: each batch locks the post's row, takes up to BATCH_SIZE
recipients who have no PostNotification row for the post yet, writes their rows and
queues their emails, and commits all of it together. A task run twice, two runs at once
(the lock makes the second wait for the first's batch), or a worker that dies half way
and whose task is run again (the unfinished batch rolled back, rows and emails both)
emails nobody twice and skips nobody.
"""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.tasks import task
from django.urls import NoReverseMatch, reverse

from announcements import emails as announcement_emails
from core.email import queue_email, render_email
from members import suppression
from members.models import User
from networks.models import Membership, Network, WorkhubMembership

from . import tokens
from .models import DiscussionPreference, Post, PostNotification, Thread, ThreadFollow

Choice = DiscussionPreference.Choice

# Recipients per transaction of the background fan-out (module docstring).
BATCH_SIZE = 500


# Who may hear of a thread at all -------------------------------------------------------


def readers_q(thread: Thread) -> Q:
    """The people the thread's emails may reach: active members of its network, and for a
    workhub's thread only its people among them (a Q on User)."""
    members = Membership.objects.active().filter(network_id=thread.network_id)
    q = Q(is_active=True, pk__in=members.values("person_id"))
    if thread.workhub_id is not None:
        people = WorkhubMembership.objects.filter(workhub_id=thread.workhub_id)
        q &= Q(pk__in=people.values("person_id"))
    return q


def may_hear_of(person: User, thread: Thread) -> bool:
    """Whether the person is among the thread's possible readers (readers_q, for one)."""
    return User.objects.filter(readers_q(thread), pk=person.pk).exists()


def hears_of(person: User, membership: Membership | None, in_workhub: bool, thread: Thread) -> bool:
    """may_hear_of for a person whose live membership of the thread's network (None for
    none) and place among its workhub's people are in hand: readers_q, in Python (a test
    holds them equal)."""
    return (
        person.is_active
        and membership is not None
        and membership.is_active
        and (thread.workhub_id is None or in_workhub)
    )


# What choice_annotations names: the thread page reads them with the person's membership.
CHOICE_NAMES = ("email_follow", "email_network_choice")


def choice_annotations(person_id: int, thread_id: int, network_id: int) -> dict[str, Subquery]:
    """The person's choice for the thread and for its network, as annotations (for
    choices_on: the thread page reads them with the person's membership)."""
    follows = ThreadFollow.objects.filter(thread_id=thread_id, person_id=person_id)
    preferences = DiscussionPreference.objects.filter(person_id=person_id, network_id=network_id)
    return {
        "email_follow": Subquery(follows.values("choice")[:1]),
        "email_network_choice": Subquery(preferences.values("choice")[:1]),
    }


def choices_on(
    person: User,
    thread: Thread,
    membership: Membership | None,
    in_workhub: bool,
    read: dict[str, Any],
) -> tuple[str | None, str] | None:
    """choices_of, from the values of choice_annotations(person) read with the thread
    (no query)."""
    if not hears_of(person, membership, in_workhub, thread):
        return None
    return read["email_follow"], read["email_network_choice"] or Choice.THREADS


def choices_of(person: User, thread: Thread) -> tuple[str | None, str] | None:
    """The person's choice for the thread (None: none made) and their discussion emails
    choice for its network, in one query; None if they may not hear of it (readers_q)."""
    row = (
        User.objects.filter(readers_q(thread), pk=person.pk)
        .annotate(
            follow=Subquery(
                ThreadFollow.objects.filter(thread=thread, person=OuterRef("pk")).values("choice")[
                    :1
                ]
            ),
            network_choice=Subquery(
                DiscussionPreference.objects.filter(
                    person=OuterRef("pk"), network_id=thread.network_id
                ).values("choice")[:1]
            ),
        )
        .values_list("follow", "network_choice")
        .first()
    )
    if row is None:
        return None
    follow, network_choice = row
    return follow, network_choice or Choice.THREADS


def choice_of(person: User, network: Network) -> str:
    """The person's choice of discussion emails for the network (every new thread unless
    they chose otherwise)."""
    row = DiscussionPreference.objects.filter(person=person, network=network).first()
    return row.choice if row else Choice.THREADS


def recipients(post: Post) -> QuerySet[User]:
    """The people who should get an email about the post (not yet told of it or not)."""
    thread = post.thread
    preferences = DiscussionPreference.objects.filter(network_id=thread.network_id)
    follows = ThreadFollow.objects.filter(thread=thread)
    every_post = Q(pk__in=preferences.filter(choice=Choice.POSTS).values("person_id"))
    if post.number == 1:
        # No row means every new thread.
        other_choice = preferences.exclude(choice__in=[Choice.THREADS, Choice.POSTS])
        wanted = ~Q(pk__in=other_choice.values("person_id"))
    else:
        followers = follows.filter(choice=ThreadFollow.Choice.FOLLOW).values("person_id")
        wanted = every_post | Q(pk__in=followers)
    people = User.objects.filter(readers_q(thread)).filter(wanted)
    if post.author_id is not None:
        people = people.exclude(pk=post.author_id)
    return (
        people.exclude(pk__in=follows.filter(choice=ThreadFollow.Choice.MUTE).values("person_id"))
        .exclude(email__in=suppression.stopped().values("address"))
        .order_by("pk")
    )


# The email -----------------------------------------------------------------------------


def thread_path(thread: Thread) -> str:
    """The thread's page on the site."""
    try:
        return reverse("discussions:thread", args=[thread.network.slug, thread.pk])
    except NoReverseMatch:  # the pages come with the site part of the discussions
        return f"/networks/{thread.network.slug}/discussions/{thread.pk}/"


def unsubscribe_path(person_id: int, network_id: int) -> str:
    return reverse(
        "discussions_email:unsubscribe", args=[tokens.unsubscribe_token(person_id, network_id)]
    )


def list_id(network: Network) -> str:
    """`"Name discussions" <slug.discussions.host>`: one list per network (RFC 2919)."""
    host = urlsplit(settings.SITE_URL).hostname or "headnet.localhost"
    name = f"{network.label} discussions".replace('"', "")
    return f'"{name}" <{network.slug}.discussions.{host}>'


def headers_for(network: Network, unsubscribe_url: str) -> dict[str, str]:
    """List-Id, and one-click List-Unsubscribe (RFC 8058) for the network's discussions."""
    return {
        "List-Id": list_id(network),
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _why(post: Post, following: bool) -> str:
    if post.number == 1:
        return "you chose an email for every new thread or every post"
    if following:
        return "you follow this thread"
    return "you chose an email for every post"


def send_post_email(post: Post, person: User, *, following: bool) -> None:
    """Queue the email about the post to the person (with their own reply address and
    unsubscribe link)."""
    thread = post.thread
    network = thread.network
    unsubscribe_url = announcement_emails.site_url(unsubscribe_path(person.pk, network.pk))
    reply_address = tokens.reply_address(person.pk, thread.pk)
    context = {
        "post": post,
        "thread": thread,
        "network": network,
        "author_name": (post.author.get_full_name() or "A member") if post.author else "A member",
        "is_new_thread": post.number == 1,
        "thread_url": announcement_emails.site_url(thread_path(thread)),
        "preferences_url": announcement_emails.site_url(announcement_emails.preferences_path()),
        "unsubscribe_url": unsubscribe_url,
        "can_reply": reply_address is not None and not thread.is_locked,
        "why": _why(post, following),
    }
    subject, body = render_email("discussions/email/post", context)
    queue_email(
        subject=subject,
        body=body,
        to=[person.email],
        reply_to=[reply_address] if reply_address and not thread.is_locked else None,
        from_email=settings.ANNOUNCEMENTS_FROM_EMAIL,
        headers=headers_for(network, unsubscribe_url),
    )


def follow_as_author(post: Post) -> None:
    """The author follows the thread from their post on, unless they muted it or want
    the digest or nothing from the network (module docstring)."""
    author = post.author
    if author is None:
        return
    if choice_of(author, post.thread.network) in (Choice.DIGEST, Choice.NONE):
        return
    # A row already there (a follow, or a mute) is the person's own choice: kept.
    ThreadFollow.objects.get_or_create(
        thread=post.thread, person=author, defaults={"choice": ThreadFollow.Choice.FOLLOW}
    )


def notify_batch(post_id: int, *, after_id: int = 0) -> list[int] | None:
    """Email the next BATCH_SIZE people (by id, after `after_id`) who should hear of the
    post and have not, in one transaction; returns their ids, or None when the post is
    gone, deleted or hidden."""
    with transaction.atomic():
        # Locked: a second run of the task waits here, then finds this batch's rows.
        post = (
            Post.objects.select_for_update(of=("self",))
            .select_related("thread__network", "thread__workhub", "author")
            .filter(pk=post_id, deleted_at__isnull=True, hidden_at__isnull=True)
            .first()
        )
        if post is None:
            return None
        told = PostNotification.objects.filter(post=post, person=OuterRef("pk"))
        people = list(recipients(post).filter(pk__gt=after_id).exclude(Exists(told))[:BATCH_SIZE])
        if not people:
            return []
        following = set(
            ThreadFollow.objects.filter(
                thread=post.thread,
                choice=ThreadFollow.Choice.FOLLOW,
                person__in=[person.pk for person in people],
            ).values_list("person_id", flat=True)
        )
        # Under the post's lock no other run writes these rows, and those written already
        # were left out above: each row is new here, and its email is queued with it.
        PostNotification.objects.bulk_create(
            [PostNotification(post=post, person=person) for person in people],
            ignore_conflicts=True,
        )
        for person in people:
            send_post_email(post, person, following=person.pk in following)
        return [person.pk for person in people]


def notify(post_id: int) -> int:
    """Email everyone who should hear of the post and has not, batch by batch; returns
    how many."""
    total, after_id = 0, 0
    while emailed := notify_batch(post_id, after_id=after_id):
        total += len(emailed)
        if len(emailed) < BATCH_SIZE:
            break
        after_id = emailed[-1]  # the recipients come in order of id (recipients())
    return total


@task()
def notify_post(*, post_id: int) -> None:
    """The background fan-out of a post's emails (module docstring)."""
    notify(post_id)


def on_post_added(sender: object, *, post: Post, **kwargs: object) -> None:
    """discussions.signals.post_added, connected in DiscussionsConfig.ready(): in the
    post's transaction, the author follows the thread; once it commits, the emails are
    queued as one task. Demo data (notify=False) emails nobody."""
    follow_as_author(post)
    if not kwargs.get("notify", True):
        return
    post_id = post.pk
    transaction.on_commit(lambda: notify_post.enqueue(post_id=post_id))
