"""Who may read, post in and moderate a network's discussions. Views ask only here, and the
reply-by-email receiver asks `person_may_post` before it posts.

Built on networks.access: the membership rules are its (`NetworkAccess.is_member`,
`can_coordinate`), worked out afresh on every request, so a member who lapses, leaves or
is removed is refused at once.

- A network's threads (a sub-group is a network of its own): its active members read and
  post; its coordinators and administrators, and site staff, also moderate.
- A workhub's threads: the workhub's people who are active members of its network read
  and post; the network's coordinators read, post and moderate. A workhub of an earlier
  academic year is a record: its threads stay readable, and nobody posts in them.
- A locked thread refuses new posts (and edits) except from those who moderate.

A thread is always fetched through its network (and its workhub, if any), so another
network's thread is a 404.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, QuerySet
from django.http import Http404

from core import pagecache
from core.prepared import Prepared
from members.models import User
from networks import access as network_access
from networks.access import NetworkAccess
from networks.models import Membership, Network, Workhub, WorkhubMembership, network_scope

from . import notifications
from .models import Post, PostReport, Thread, thread_scope


@dataclass(frozen=True)
class DiscussionAccess:
    """What one person may do with the threads of one network, or of one of its workhubs."""

    perms: NetworkAccess
    workhub: Workhub | None = None
    # Whether the person is one of the workhub's people (False without a workhub;
    # for_workhub does not ask for a coordinator, who reads its threads anyway).
    in_workhub: bool = False
    # The person's email choices for the thread, read with their membership by
    # get_thread_for_user (notifications.CHOICE_NAMES); none without a membership.
    also: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def network(self) -> Network:
        return self.perms.network

    @property
    def can_moderate(self) -> bool:
        """Hide posts, lock threads, read reports: coordinators, administrators, site staff."""
        return self.perms.can_coordinate

    @property
    def can_read(self) -> bool:
        """The list and every thread in it."""
        if self.can_moderate:
            return True
        if self.workhub is None:
            return self.perms.is_member
        return self.perms.is_member and self.in_workhub

    @property
    def is_archive(self) -> bool:
        """An earlier year's workhub: read-only."""
        return self.workhub is not None and self.workhub.is_past

    @property
    def can_start(self) -> bool:
        """Start a thread here."""
        return self.can_read and not self.is_archive

    def may_post(self, thread: Thread) -> bool:
        """Reply in the thread: readers, unless it is locked (then only moderators)."""
        if not self.can_start:
            return False
        return not thread.is_locked or self.can_moderate

    def may_edit(self, post: Post, user: User | AnonymousUser) -> bool:
        """Its author, while they may post in its thread, and it is neither removed nor
        hidden, nor in a locked thread (services.edit_post)."""
        return (
            user.is_authenticated
            and post.author_id == user.pk
            and post.deleted_at is None
            and post.hidden_at is None
            and not post.thread.is_locked
            and self.may_post(post.thread)
        )

    def may_delete(self, post: Post, user: User | AnonymousUser) -> bool:
        """Its author, while they may read the thread (a locked thread too: their words are
        theirs to take back)."""
        return (
            user.is_authenticated
            and post.author_id == user.pk
            and post.deleted_at is None
            and self.can_read
        )

    def may_report(self, post: Post, user: User | AnonymousUser) -> bool:
        """Any reader, of someone else's post that is still shown."""
        return (
            self.can_read
            and user.is_authenticated
            and post.author_id != user.pk
            and post.deleted_at is None
            and post.hidden_at is None
        )

    def may_hide(self, post: Post) -> bool:
        return self.can_moderate and post.deleted_at is None and post.hidden_at is None

    def may_unhide(self, post: Post) -> bool:
        return self.can_moderate and post.hidden_at is not None


def is_in_workhub(user: User | AnonymousUser, workhub: Workhub) -> bool:
    if not user.is_authenticated:
        return False
    return WorkhubMembership.objects.filter(workhub=workhub, person=user).exists()


def for_network(user: User | AnonymousUser, network: Network) -> DiscussionAccess:
    """The person's access to the network's own threads (one query)."""
    return DiscussionAccess(perms=network_access.for_network(user, network))


def for_workhub(user: User | AnonymousUser, workhub: Workhub) -> DiscussionAccess:
    """The person's access to a workhub's threads (two queries: none more for a
    coordinator, who reads them whether in the workhub or not)."""
    perms = network_access.for_network(user, workhub.network)
    in_workhub = not perms.can_coordinate and perms.is_member and is_in_workhub(user, workhub)
    return DiscussionAccess(perms=perms, workhub=workhub, in_workhub=in_workhub)


def for_thread(user: User | AnonymousUser, thread: Thread) -> DiscussionAccess:
    """The person's access to the thread's place: its network, or its workhub."""
    if thread.workhub is not None:
        return for_workhub(user, thread.workhub)
    return for_network(user, thread.network)


def person_may_post(person: User, thread: Thread) -> bool:
    """Whether the person may post in the thread now (the reply by email asks this)."""
    if not person.is_active:
        return False
    return for_thread(person, thread).may_post(thread)


def _refuse(access: DiscussionAccess) -> PermissionDenied:
    if access.workhub is not None:
        return PermissionDenied(
            f"Only the people of the {access.workhub.name} workhub and the coordinators of "
            f"{access.network.label} can read its discussions."
        )
    return PermissionDenied(f"Only members of {access.network.label} can read its discussions.")


def get_discussions(user: User | AnonymousUser, slug: str) -> DiscussionAccess:
    """The person's access if they may read the network's threads; 403 otherwise."""
    access = for_network(user, network_access.get_network(slug))
    if not access.can_read:
        raise _refuse(access)
    return access


def get_workhub_discussions(
    user: User | AnonymousUser, slug: str, workhub_slug: str
) -> DiscussionAccess:
    """The person's access if they may read the workhub's threads; 403 otherwise (404 for
    a workhub that is not the network's)."""
    access = for_workhub(user, network_access.get_workhub(slug, workhub_slug))
    if not access.can_read:
        raise _refuse(access)
    return access


def get_access_to_moderate(user: User | AnonymousUser, slug: str) -> DiscussionAccess:
    """The person's access if they moderate the network's discussions; 403 otherwise."""
    access = for_network(user, network_access.get_network(slug))
    if not access.can_moderate:
        raise PermissionDenied(f"Only the coordinators of {access.network.label} can do this.")
    return access


def thread_scopes(slug: str, pk: int) -> list[str]:
    """What the thread at this address is kept under, and what is kept with it (its
    pages of posts): the thread's scope and its network's (its workhubs, its parent)."""
    return [thread_scope(pk), network_scope(slug)]


def _thread_at(
    slug: str, pk: int, kept_with: tuple[str, ...] = ()
) -> tuple[Thread | None, dict[str, Any], tuple[str, ...]]:
    """The thread at this address, with its network (and the network's parent) and its
    workhub: the same for everyone, so kept for all (core.pagecache) while the thread and
    its network are unchanged. With what else is kept under the same scopes at the keys
    `kept_with` (a page of its posts), in the same round trip, and their versions."""
    key = f"discussions:thread:{slug}:{pk}"
    found, versions = pagecache.look_up_together([key, *kept_with], thread_scopes(slug, pk))
    kept = found.pop(key, None)
    if isinstance(kept, Thread):
        return kept, found, versions
    thread = (
        Thread.objects.select_related("network__parent", "workhub")
        .filter(network__slug=slug, pk=pk)
        .first()
    )
    if thread is not None:
        pagecache.keep(key, versions, thread)
    return thread, found, versions


def _reader_query(
    person_id: int, network_id: int, thread_id: int, workhub_id: int
) -> QuerySet[Membership]:
    """The person's live membership of the thread's network, with whether they are one of
    its workhub's people and their email choices for the thread and the network
    (notifications.choices_on)."""
    people = WorkhubMembership.objects.filter(workhub_id=workhub_id, person_id=person_id)
    choices = notifications.choice_annotations(person_id, thread_id, network_id)
    return (
        Membership.objects.live()
        .filter(person_id=person_id, network_id=network_id)
        .annotate(viewer_in_workhub=Exists(people), **choices)[:1]
    )


# Asked on every thread page: compiled once (core.prepared).
_READER = Prepared(Membership, _reader_query, arity=4)


def get_thread_for_user(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[Thread, DiscussionAccess]:
    """The thread and the person's access to it: 404 for another network's thread, 403
    for one they may not read. The thread as everyone sees it is kept; what is the
    person's is read afresh, so someone who lapses is refused at once: their live
    membership, their place in the workhub and their email choices (on the access's
    `also`), in one query."""
    thread, access, _kept, _versions = read_thread(user, slug, pk)
    return thread, access


def read_thread(
    user: User | AnonymousUser, slug: str, pk: int, kept_with: tuple[str, ...] = ()
) -> tuple[Thread, DiscussionAccess, dict[str, Any], tuple[str, ...]]:
    """get_thread_for_user, with what is kept under the thread's scopes at `kept_with`
    (the page of posts the reader asked for) read in the same round trip as the thread,
    and the versions to keep a value built now under."""
    thread, kept, versions = _thread_at(slug, pk, kept_with)
    if thread is None:  # no such thread in that network, or no such network
        raise Http404("No such thread.")
    network = thread.network
    membership, in_workhub, read_also = None, False, {}
    if user.is_authenticated:
        # No workhub: an id no row has, so the person is in no workhub.
        workhub_id = thread.workhub_id or 0
        membership = _READER.first(user.pk, network.pk, thread.pk, workhub_id)
    if membership is not None:
        viewer = vars(membership)
        in_workhub = viewer.pop("viewer_in_workhub")
        read_also = {name: viewer.pop(name) for name in notifications.CHOICE_NAMES}
        membership.network = network  # the same row: saves a query wherever it is named
    perms = network_access.with_membership(user, network, membership)
    if thread.workhub is None:
        access = DiscussionAccess(perms=perms, also=read_also)
    else:
        thread.workhub.network = network
        access = DiscussionAccess(
            perms=perms,
            workhub=thread.workhub,
            in_workhub=perms.is_member and bool(in_workhub),
            also=read_also,
        )
    if not access.can_read:
        raise _refuse(access)
    return thread, access, kept, versions


def get_post_for_user(
    user: User | AnonymousUser, slug: str, pk: int, number: int
) -> tuple[Post, DiscussionAccess]:
    """A post of the thread, by its number, and the person's access to its thread."""
    thread, access = get_thread_for_user(user, slug, pk)
    post = Post.objects.select_related("author").filter(thread=thread, number=number).first()
    if post is None:
        raise Http404("No such post.")
    post.thread = thread
    return post, access


def get_report_to_resolve(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[PostReport, DiscussionAccess]:
    """An open report on a post in the network, for its moderators (another network's is
    a 404)."""
    access = get_access_to_moderate(user, slug)
    report = (
        PostReport.objects.select_related("post__thread")
        .filter(pk=pk, post__thread__network=access.network)
        .first()
    )
    if report is None:
        raise Http404("No such report.")
    return report, access
