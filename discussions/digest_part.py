"""The discussions' part of the weekly digest (announcements.digest.DigestPart): for each
network where a person chose the weekly digest of its discussions, the threads that had
posts in the week, with how many, for the threads they may read (notifications'
readers: active members, a workhub's people) and have not muted.

Read for a chunk of people in six queries, whatever their number.
"""

from collections import defaultdict
from typing import Any

from django.db.models import Count, QuerySet

from announcements import digest
from announcements.emails import site_url
from members.models import User
from networks.models import Membership, WorkhubMembership

from .models import DiscussionPreference, Post, Thread, ThreadFollow
from .notifications import thread_path, unsubscribe_path

NAME = "discussions"
DIGEST = DiscussionPreference.Choice.DIGEST


def wanting() -> QuerySet[Any]:
    """Who wants the part: everyone with a network's discussions on the digest."""
    return DiscussionPreference.objects.filter(choice=DIGEST).values("person_id")


def _item(thread: Thread, posts: int, week: digest.Week) -> digest.PartItem:
    new = week.start <= thread.created_at < week.end
    count = f"{posts} post{'s' if posts != 1 else ''}"
    text = f"{thread.title} (new thread, {count})" if new else f"{thread.title} ({count})"
    return digest.PartItem(text=text, url=site_url(thread_path(thread)))


def contents(people: list[User], week: digest.Week) -> dict[tuple[int, int], digest.PartContent]:
    ids = [person.pk for person in people]
    chosen = set(
        DiscussionPreference.objects.filter(person__in=ids, choice=DIGEST).values_list(
            "person_id", "network_id"
        )
    )
    network_ids = {network_id for _, network_id in chosen}
    if not network_ids:
        return {}
    members = set(
        Membership.objects.active()
        .filter(person__in=ids, network__in=network_ids)
        .values_list("person_id", "network_id")
    )
    counts = dict(
        Post.objects.filter(
            thread__network__in=network_ids,
            created_at__gte=week.start,
            created_at__lt=week.end,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        .values_list("thread_id")
        .annotate(posts=Count("pk"))
        .values_list("thread_id", "posts")
    )
    threads = sorted(
        Thread.objects.filter(pk__in=list(counts)).select_related("network"),
        key=lambda thread: (thread.created_at, thread.pk),
    )
    in_workhub = set(
        WorkhubMembership.objects.filter(
            person__in=ids, workhub__in={t.workhub_id for t in threads if t.workhub_id}
        ).values_list("person_id", "workhub_id")
    )
    muted = set(
        ThreadFollow.objects.filter(
            person__in=ids, thread__in=list(counts), choice=ThreadFollow.Choice.MUTE
        ).values_list("person_id", "thread_id")
    )
    found: dict[tuple[int, int], list[digest.PartItem]] = defaultdict(list)
    for person_id, network_id in sorted(chosen & members):
        for thread in threads:
            if thread.network_id != network_id or (person_id, thread.pk) in muted:
                continue
            if thread.workhub_id and (person_id, thread.workhub_id) not in in_workhub:
                continue
            found[(person_id, network_id)].append(_item(thread, counts[thread.pk], week))
    networks = {thread.network_id: thread.network for thread in threads}
    return {
        (person_id, network_id): digest.PartContent(
            heading="Discussions",
            items=items,
            unsubscribe_text=f"No more discussion emails from {networks[network_id].label}",
            unsubscribe_url=site_url(unsubscribe_path(person_id, network_id)),
        )
        for (person_id, network_id), items in found.items()
    }


PART = digest.DigestPart(name=NAME, wanting=wanting, contents=contents)
