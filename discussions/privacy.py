"""A person's part in their networks' discussions: what they can download, and what
closing their account leaves.

Their posts stay in the threads, shown as by a former member, unless they remove them
first; their follows, preferences and notifications go with them.
"""

from django.db import transaction

from members.models import User

from .models import DiscussionPreference, Post, PostNotification, PostReport, Thread, ThreadFollow


def personal_data(person: User) -> dict[str, object]:
    """The posts they wrote, with where and when."""
    return {
        "discussion_posts": [
            {
                "network": post.thread.network.name,
                "thread": post.thread.title,
                "written": post.created_at.isoformat(),
                "text": post.body,
            }
            for post in Post.objects.filter(author=person).select_related("thread__network")
        ],
    }


@transaction.atomic
def forget_person(person: User) -> None:
    """Keep their posts and threads without them; forget their choices."""
    Post.objects.filter(author=person).update(author=None)
    Post.objects.filter(hidden_by=person).update(hidden_by=None)
    Thread.objects.filter(started_by=person).update(started_by=None)
    Thread.objects.filter(locked_by=person).update(locked_by=None)
    PostReport.objects.filter(reported_by=person).update(reported_by=None)
    PostReport.objects.filter(resolved_by=person).update(resolved_by=None)
    ThreadFollow.objects.filter(person=person).delete()
    DiscussionPreference.objects.filter(person=person).delete()
    PostNotification.objects.filter(person=person).delete()
