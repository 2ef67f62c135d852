"""A person's part in their networks' discussions: what they can download, and what
closing their account leaves.

Their posts stay in the threads, shown as by a former member, unless they remove them
first; their follows, preferences and notifications go with them.
"""

from django.db import transaction

from core import pagecache
from core.dates import iso
from members.models import User

from .models import (
    DiscussionPreference,
    Post,
    PostNotification,
    PostReport,
    Thread,
    ThreadFollow,
    thread_scopes_of,
)


def personal_data(person: User) -> dict[str, object]:
    """The posts they wrote (with where, when, whether edited, removed or hidden and why),
    the threads they started, the reports they made, their choice of discussion emails
    for each network where they made one (none: every new thread), and the threads they
    follow or muted, by title."""
    posts = Post.objects.filter(author=person).select_related("thread__network", "thread__workhub")
    preferences = DiscussionPreference.objects.filter(person=person).select_related("network")
    follows = ThreadFollow.objects.filter(person=person).select_related("thread__network")
    return {
        "discussion_posts": [
            {
                "network": post.thread.network.name,
                "workhub": post.thread.workhub.name if post.thread.workhub else "",
                "thread": post.thread.title,
                "number": post.number,
                "written": iso(post.created_at),
                "edited": iso(post.edited_at),
                "removed": iso(post.deleted_at),
                "hidden": iso(post.hidden_at),
                "hidden_because": post.hidden_reason,
                "by_email": post.by_email,
                "text": post.body,
            }
            for post in posts.order_by("created_at", "pk")
        ],
        "discussion_threads_started": [
            {
                "network": thread.network.name,
                "title": thread.title,
                "started": iso(thread.created_at),
            }
            for thread in Thread.objects.filter(started_by=person).select_related("network")
        ],
        "discussion_reports_made": [
            {
                "thread": report.post.thread.title,
                "post": report.post.number,
                "reason": report.reason,
                "made": iso(report.created_at),
                "closed": iso(report.resolved_at),
            }
            for report in PostReport.objects.filter(reported_by=person).select_related(
                "post__thread"
            )
        ],
        "discussion_email_choices": [
            {
                "network": preference.network.name,
                "choice": preference.get_choice_display(),
                "changed": preference.updated_at.isoformat(),
            }
            for preference in preferences.order_by("network__name", "pk")
        ],
        "discussion_threads_followed_or_muted": [
            {
                "network": follow.thread.network.name,
                "thread": follow.thread.title,
                "choice": follow.get_choice_display(),
                "changed": follow.updated_at.isoformat(),
            }
            for follow in follows.order_by("thread__network__name", "thread__title", "pk")
        ],
    }


@transaction.atomic
def forget_person(person: User) -> None:
    """Keep their posts and threads without them; forget their choices."""
    # Their posts now show "Former member": their threads' kept pages go.
    if scopes := thread_scopes_of(Post.objects.filter(author=person)):
        pagecache.invalidate(*scopes)
    Post.objects.filter(author=person).update(author=None)
    Post.objects.filter(hidden_by=person).update(hidden_by=None)
    Thread.objects.filter(started_by=person).update(started_by=None)
    Thread.objects.filter(locked_by=person).update(locked_by=None)
    PostReport.objects.filter(reported_by=person).update(reported_by=None)
    PostReport.objects.filter(resolved_by=person).update(resolved_by=None)
    ThreadFollow.objects.filter(person=person).delete()
    DiscussionPreference.objects.filter(person=person).delete()
    PostNotification.objects.filter(person=person).delete()
