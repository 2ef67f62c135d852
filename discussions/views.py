"""A network's discussions: the list of threads (and a search), starting a thread, a
thread's page with its posts and the reply form, an author's edits and removals, and the
coordinators' moderation (hiding a post, locking a thread, the reports).

Each view resolves its thread or post through discussions.access (another network's is a
404; a reader who lapses is refused on their next request) and changes nothing except
through discussions.services. Every page works without JavaScript: each action is a link
to a page or a form's button.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from core import keyset, pagecache

from . import access, notifications, services, threads
from .access import DiscussionAccess
from .forms import EditForm, HideForm, PostForm, ReportForm, SearchForm, ThreadForm
from .models import Post, Thread


def post_url(thread: Thread, number: int) -> str:
    """The address of a post: its page of the thread, at the post."""
    url = reverse("discussions:thread", args=[thread.network.slug, thread.pk])
    page = threads.page_of(number)
    return f"{url}?page={page}#post-{number}" if page > 1 else f"{url}#post-{number}"


def _list(request: HttpRequest, reader: DiscussionAccess) -> HttpResponse:
    search = SearchForm(request.GET or None)
    words = search.cleaned_data["q"] if search.is_valid() else ""
    listed = threads.search(threads.threads_of(reader), words)
    page = keyset.paginate(listed, threads.THREAD_ORDER, request.GET, threads.THREADS_PER_PAGE)
    return render(
        request,
        "discussions/thread_list.html",
        {
            "network": reader.network,
            "workhub": reader.workhub,
            "page": page,
            "search": search,
            "words": words,
            "can_start": reader.can_start,
            "can_moderate": reader.can_moderate,
            "is_archive": reader.is_archive,
            "open_reports": threads.open_reports(reader).count() if reader.can_moderate else 0,
        },
    )


@login_required
def thread_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's threads, latest activity first, for its members; a search among them."""
    return _list(request, access.get_discussions(request.user, slug))


@login_required
def workhub_threads(request: HttpRequest, slug: str, workhub_slug: str) -> HttpResponse:
    """A workhub's threads, for its people and the network's coordinators."""
    return _list(request, access.get_workhub_discussions(request.user, slug, workhub_slug))


def _new(request: HttpRequest, starter: DiscussionAccess) -> HttpResponse:
    if not starter.can_start:
        raise PermissionDenied("Nothing new starts in an earlier year's workhub.")
    form = ThreadForm(request.POST or None)
    if form.is_valid():
        try:
            thread = services.start_thread(
                network=starter.network, workhub=starter.workhub, author=request.user,
                title=form.cleaned_data["title"], body=form.cleaned_data["body"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Your thread has started.")
            return redirect("discussions:thread", starter.network.slug, thread.pk)
    return render(
        request,
        "discussions/thread_new.html",
        {"form": form, "network": starter.network, "workhub": starter.workhub},
    )


@login_required
def thread_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _new(request, access.get_discussions(request.user, slug))


@login_required
def workhub_thread_new(request: HttpRequest, slug: str, workhub_slug: str) -> HttpResponse:
    return _new(request, access.get_workhub_discussions(request.user, slug, workhub_slug))


def _page_number(asked: str, thread: Thread) -> int:
    """The page asked for ("last", or a number), kept within the thread's pages."""
    last = threads.page_count(thread)
    if asked == "last":
        return last
    try:
        number = int(asked)
    except ValueError:
        return 1
    return min(max(number, 1), last)


def _quoted_form(request: HttpRequest, posts: list[Post], thread: Thread) -> PostForm:
    """The reply form, filled with the post asked for by a "Quote" link (?quote=N)."""
    try:
        number = int(request.GET.get("quote", ""))
    except ValueError:
        return PostForm()
    quoted = next((post for post in posts if post.number == number), None)
    if quoted is None:
        quoted = Post.objects.filter(thread=thread, number=number).first()
    if quoted is None:
        return PostForm()
    text = ""
    if quoted.deleted_at is None and quoted.hidden_at is None:
        text = "\n".join(f"> {line}" for line in quoted.body.splitlines()) + "\n\n"
    return PostForm(initial={"body": text, "quotes": quoted.number})


# A page of posts as kept (discussions.threads.kept_page_key): one version for each way
# a reader sees it, by the links it offers them (may they post, read, moderate; and,
# for one who wrote some of its posts, who they are), each with the page's authors.
PageVariants = dict[tuple, tuple[frozenset, str]]


def _posts_html(
    request: HttpRequest,
    thread: Thread,
    page,
    may_post: bool,
    reader: DiscussionAccess,
    kept: tuple[str, PageVariants | None, tuple[str, ...]],
) -> tuple[str, list[Post]]:
    """The page's posts as this reader sees them, with the links to the thread's other
    pages, and the posts if they had to be read. `kept`: where the address's page is
    kept, what was found there and the versions it was read under.

    Kept for everyone who sees them the same at the same address: the readers who wrote
    none of them and are offered the same links (to quote, to report, to hide), while the
    thread is unchanged (core.pagecache: a write to it, its posts or its network changes
    its scopes, an author's new name the site's). An author's page offers them their own
    posts' links and is kept for them; a coordinator's page with a hidden post is never
    kept (its "Show again" form carries their CSRF token)."""
    user = request.user
    key, found, versions = kept
    variants = found or {}
    seen_as = (may_post, reader.can_read, reader.can_moderate)
    shared = variants.get(seen_as)
    if shared is not None and user.pk not in shared[0]:
        return mark_safe(shared[1]), []  # noqa: S308 (rendered by our templates, escaped there)
    own = variants.get((*seen_as, user.pk))
    if own is not None:
        return mark_safe(own[1]), []  # noqa: S308
    posts = threads.posts_on_page(thread, page.number)
    for post in posts:
        post.thread = thread
        post.may_edit = reader.may_edit(post, user)
        post.may_delete = reader.may_delete(post, user)
        post.may_report = reader.may_report(post, user)
        post.may_hide = reader.may_hide(post)
        post.may_unhide = reader.may_unhide(post)
        if post.quotes is not None:
            post.quotes_url = post_url(thread, post.quotes.number)
    context = {
        "thread": thread,
        "network": reader.network,
        "posts": posts,
        "page": page,
        "may_post": may_post,
        "can_moderate": reader.can_moderate,
    }
    # Its links keep the address's other parameters (core's page_links reads them).
    pages = render_to_string("includes/_pagination.html", {"page": page}, request)
    if any(post.may_unhide for post in posts):
        html = render_to_string("discussions/_thread_posts.html", context, request)
        return mark_safe(html + pages), posts  # noqa: S308
    html = render_to_string("discussions/_thread_posts.html", context) + pages
    authors = frozenset(post.author_id for post in posts)
    variant = (*seen_as, user.pk) if user.pk in authors else seen_as
    pagecache.keep(key, versions, {**variants, variant: (authors, html)})
    return mark_safe(html), posts  # noqa: S308


def _thread_page(
    request: HttpRequest,
    thread: Thread,
    reader: DiscussionAccess,
    kept: tuple[str, PageVariants | None, tuple[str, ...]] | None = None,
    form: PostForm | None = None,
    asked: str | None = None,
) -> HttpResponse:
    """The thread's page; `kept`, the page of posts as read with the thread (else read
    here: the reply form's page with its errors, the thread's last)."""
    page_number = _page_number(request.GET.get("page", "") if asked is None else asked, thread)
    # The paginator counts a range as long as the thread: pages are ranges of numbers.
    page = Paginator(range(thread.post_count), threads.POSTS_PER_PAGE).get_page(page_number)
    may_post = reader.may_post(thread)
    if kept is None:
        key = threads.kept_page_key(thread.network.slug, thread.pk, f"page={page_number}")
        found, versions = pagecache.look_up(
            key, access.thread_scopes(thread.network.slug, thread.pk)
        )
        kept = (key, found, versions)
    posts_html, posts = _posts_html(request, thread, page, may_post, reader, kept)
    if may_post and form is None:
        form = _quoted_form(request, posts, thread)
    return render(
        request,
        "discussions/thread_detail.html",
        {
            "thread": thread,
            "network": reader.network,
            "workhub": reader.workhub,
            "posts_html": posts_html,
            "page": page,
            "form": form if may_post else None,
            "can_moderate": reader.can_moderate,
            "is_archive": reader.is_archive,
            "email_choices": _email_choices(request, thread, reader),
        },
    )


def _email_choices(request: HttpRequest, thread: Thread, reader: DiscussionAccess) -> dict | str:
    """The person's email choices for the thread, if read with it (else the page's form
    reads them)."""
    if "email_follow" not in reader.also:
        return ""
    membership, in_workhub = reader.perms.membership, reader.in_workhub
    choices = notifications.choices_on(request.user, thread, membership, in_workhub, reader.also)
    return {"choices": choices}


@login_required
def thread_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A thread's posts in order, a page at a time, and the reply form. The page of posts
    asked for is read with the thread, in one round trip to the cache."""
    key = threads.kept_page_key(slug, pk, request.GET.urlencode())
    thread, reader, found, versions = access.read_thread(request.user, slug, pk, (key,))
    return _thread_page(request, thread, reader, (key, found.get(key), versions))


@require_POST
@login_required
def thread_reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    thread, reader = access.get_thread_for_user(request.user, slug, pk)
    if not reader.may_post(thread):
        raise PermissionDenied("This thread takes no new posts.")
    form = PostForm(request.POST)
    if form.is_valid():
        number = form.cleaned_data["quotes"]
        quotes = Post.objects.filter(thread=thread, number=number).first() if number else None
        try:
            post = services.add_post(
                thread=thread, author=request.user, body=form.cleaned_data["body"],
                quotes=quotes, moderator=reader.can_moderate,
            )  # fmt: skip
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Your reply is posted.")
            return redirect(post_url(thread, post.number))
    # The form again, with its errors, below the thread's last page.
    return _thread_page(request, thread, reader, form=form, asked="last")


@login_required
def post_edit(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    """Its author changes a post; it shows as edited."""
    post, reader = access.get_post_for_user(request.user, slug, pk, number)
    if not reader.may_edit(post, request.user):
        raise PermissionDenied("Only its author can edit this post, while the thread is open.")
    form = EditForm(request.POST or None, initial={"body": post.body})
    if form.is_valid():
        try:
            services.edit_post(post=post, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Your post is changed.")
            return redirect(post_url(post.thread, post.number))
    return render(
        request,
        "discussions/post_edit.html",
        {"form": form, "post": post, "thread": post.thread, "network": reader.network},
    )


@login_required
def post_delete(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    """Its author removes a post (a confirmation first)."""
    post, reader = access.get_post_for_user(request.user, slug, pk, number)
    if not reader.may_delete(post, request.user):
        raise PermissionDenied("Only its author can remove this post.")
    if request.method == "POST":
        services.delete_post(post=post, by=request.user)
        messages.success(request, "Your post is removed.")
        return redirect(post_url(post.thread, post.number))
    return render(
        request,
        "discussions/post_delete.html",
        {"post": post, "thread": post.thread, "network": reader.network},
    )


@login_required
def post_report(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    """A reader tells the coordinators about someone else's post."""
    post, reader = access.get_post_for_user(request.user, slug, pk, number)
    if not reader.may_report(post, request.user):
        raise PermissionDenied("This post cannot be reported.")
    form = ReportForm(request.POST or None)
    if form.is_valid():
        try:
            services.report_post(post=post, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Thank you: the coordinators will look at the post.")
            return redirect(post_url(post.thread, post.number))
    return render(
        request,
        "discussions/post_report.html",
        {"form": form, "post": post, "thread": post.thread, "network": reader.network},
    )


@login_required
def post_hide(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    """A coordinator hides a post, with the reason members will see."""
    post, reader = access.get_post_for_user(request.user, slug, pk, number)
    if not reader.can_moderate:
        raise PermissionDenied(f"Only the coordinators of {reader.network.label} can hide posts.")
    if not reader.may_hide(post):
        messages.info(request, "This post is already hidden or removed.")
        return redirect(post_url(post.thread, post.number))
    form = HideForm(request.POST or None)
    if form.is_valid():
        try:
            services.hide_post(post=post, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The post is hidden; members see your reason.")
            return redirect(post_url(post.thread, post.number))
    return render(
        request,
        "discussions/post_hide.html",
        {"form": form, "post": post, "thread": post.thread, "network": reader.network},
    )


@require_POST
@login_required
def post_unhide(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    post, reader = access.get_post_for_user(request.user, slug, pk, number)
    if not reader.can_moderate:
        raise PermissionDenied(f"Only the coordinators of {reader.network.label} can do this.")
    services.unhide_post(post=post, by=request.user)
    messages.success(request, "The post is shown again.")
    return redirect(post_url(post.thread, post.number))


@require_POST
@login_required
def thread_lock(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    thread, reader = access.get_thread_for_user(request.user, slug, pk)
    if not reader.can_moderate:
        raise PermissionDenied(f"Only the coordinators of {reader.network.label} can do this.")
    services.lock_thread(thread=thread, by=request.user)
    messages.success(request, "The thread is locked: only coordinators can post in it.")
    return redirect("discussions:thread", reader.network.slug, thread.pk)


@require_POST
@login_required
def thread_unlock(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    thread, reader = access.get_thread_for_user(request.user, slug, pk)
    if not reader.can_moderate:
        raise PermissionDenied(f"Only the coordinators of {reader.network.label} can do this.")
    services.unlock_thread(thread=thread, by=request.user)
    messages.success(request, "The thread is open to posts again.")
    return redirect("discussions:thread", reader.network.slug, thread.pk)


@login_required
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The open reports on posts in the network, for its coordinators."""
    moderator = access.get_access_to_moderate(request.user, slug)
    reports = list(threads.open_reports(moderator)[: threads.REPORTS_SHOWN])
    for report in reports:
        report.post.thread.network = moderator.network
        report.post_url = post_url(report.post.thread, report.post.number)
    return render(
        request,
        "discussions/report_list.html",
        {"network": moderator.network, "reports": reports},
    )


@require_POST
@login_required
def report_resolve(request: HttpRequest, slug: str, report_pk: int) -> HttpResponse:
    """Close a report, leaving the post as it is."""
    report, moderator = access.get_report_to_resolve(request.user, slug, report_pk)
    services.resolve_report(report=report, by=request.user)
    messages.success(request, "The report is closed; the post stays.")
    return redirect("discussions:reports", moderator.network.slug)


@login_required
def remove_my_posts(request: HttpRequest) -> HttpResponse:
    """Remove every post the person has written, in every network (a confirmation first)."""
    count = Post.objects.filter(author=request.user, deleted_at=None).count()
    if request.method == "POST":
        removed = services.remove_posts_of(person=request.user)
        messages.success(request, f"{removed} of your posts removed.")
        return redirect("portal:my_data")
    return render(request, "discussions/remove_my_posts.html", {"count": count})
