"""What the discussions' pages list: a place's threads, a search among them, a thread's
posts a page at a time, and the open reports for the moderators.

Pages of posts are ranges of Post.number (1, 2, 3... in each thread, kept by the
services), found through the unique index on (thread, number): the last page of a thread
of thousands of posts costs what the first does, with no counting and no OFFSET.
"""

import hashlib
import math

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from core import fragments

from .access import DiscussionAccess
from .models import Post, PostReport, Thread

POSTS_PER_PAGE = 25
THREADS_PER_PAGE = 25
# Newest activity first; the id breaks ties. The index discussions_thread_list serves it.
THREAD_ORDER = ["-last_posted_at", "-id"]
REPORTS_SHOWN = 100


def threads_of(access: DiscussionAccess) -> QuerySet[Thread]:
    """The threads of the access's place: the network's own, or one workhub's."""
    return Thread.objects.filter(network=access.network, workhub=access.workhub).select_related(
        "started_by"
    )


def search(threads: QuerySet[Thread], words: str) -> QuerySet[Thread]:
    """The threads whose title, or a post still shown, matches the words: PostgreSQL's
    full-text search (English stemming, web-search syntax) where there is PostgreSQL,
    a plain case-insensitive match on SQLite."""
    words = words.strip()
    if not words:
        return threads
    shown = Post.objects.filter(deleted_at=None, hidden_at=None, thread__in=threads)
    if connection.vendor == "postgresql":
        query = SearchQuery(words, config="english", search_type="websearch")
        found = shown.annotate(
            found=SearchVector("body", config="english")
            + SearchVector("thread__title", config="english")
        ).filter(found=query)
        return threads.filter(pk__in=found.values("thread_id"))
    matching = shown.filter(Q(body__icontains=words) | Q(thread__title__icontains=words))
    return threads.filter(pk__in=matching.values("thread_id"))


def page_count(thread: Thread) -> int:
    return max(1, math.ceil(thread.post_count / POSTS_PER_PAGE))


def page_of(number: int) -> int:
    """The page a post's number is on."""
    return max(1, math.ceil(number / POSTS_PER_PAGE))


def posts_on_page(thread: Thread, page: int) -> list[Post]:
    """The posts of one page, in order (one query)."""
    first = (page - 1) * POSTS_PER_PAGE + 1
    # The limit changes no row (numbers are unique in a thread) but tells the planner
    # how few there are: it otherwise guesses most of the thread's posts from the
    # numbers' spread over all threads, and joins the authors by scanning every user.
    return list(
        Post.objects.filter(thread=thread, number__gte=first, number__lt=first + POSTS_PER_PAGE)
        .select_related("author", "quotes__author")
        .order_by("number")[:POSTS_PER_PAGE]
    )


def kept_page_key(slug: str, pk: int, query: str) -> str:
    """Where the pages of posts of a thread's address are kept (discussions views, under
    the thread's scopes, discussions.access.thread_scopes): by the network's address in
    their links, the thread, the query string (the page asked for, and what the links to
    the other pages keep), and the release. Known from the address alone, so read with
    the thread in one round trip."""
    return ":".join(
        (
            "discussions:page",
            slug,
            str(pk),
            hashlib.sha256(query.encode()).hexdigest(),
            fragments.code_digest(),
            timezone.get_current_timezone_name(),
            translation.get_language(),
        )
    )


def open_reports(access: DiscussionAccess) -> QuerySet[PostReport]:
    """The network's open reports, oldest first, with their posts and threads."""
    return (
        PostReport.objects.filter(post__thread__network=access.network, resolved_at=None)
        .select_related("post__thread__workhub", "post__author", "reported_by")
        .order_by("created_at", "pk")
    )
