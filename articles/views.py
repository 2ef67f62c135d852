import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_POST

from core.pagecache import cached_for_visitors
from core.ratelimit import is_limited_today
from networks import access as network_access
from networks.models import NETWORK_SCOPE

from . import access, services
from .forms import ArticleForm, ModerationForm, StoryForm, StoryInboxForm, StoryReviseForm
from .models import Article, Story, StoryInbox

PAGE_SIZE = 10
FEED_SIZE = 20
# Stories one person may send in a day: enough for anyone with something to say.
STORIES_PER_DAY = 5


def _perms(request, slug):
    return network_access.for_network(request.user, network_access.get_network(slug))


# Articles -----------------------------------------------------------------------


@cached_for_visitors(NETWORK_SCOPE)
def article_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's published articles the viewer may read; drafts for those who write."""
    perms = _perms(request, slug)
    articles = access.visible_articles(perms).for_lists()
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    drafts = (
        access.drafts_for(perms, request.user).for_lists() if request.user.is_authenticated else []
    )
    return render(
        request,
        "articles/article_list.html",
        {
            "network": perms.network,
            "page": page,
            "drafts": drafts,
            "can_write": perms.can_coordinate,
            "members_only_hidden": not perms.is_member,
        },
    )


@cached_for_visitors(NETWORK_SCOPE)
def article_detail(request: HttpRequest, slug: str, article_slug: str) -> HttpResponse:
    try:
        article, perms = access.get_article_for_user(request.user, slug, article_slug)
    except PermissionDenied:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "network": perms.network,
            "can_edit": access.can_edit(perms, article, request.user),
            "can_publish": perms.can_coordinate,
            # The coordinators write announcements to the whole network (announcements.access).
            "can_email_members": perms.can_coordinate and article.is_published,
        },
    )


@login_required
def article_create(request: HttpRequest, slug: str) -> HttpResponse:
    perms = network_access.get_network_to_coordinate(request.user, slug)
    form = ArticleForm(request.POST or None, network=perms.network, can_name_authors=True)
    if form.is_valid():
        article = services.create_article(
            network=perms.network,
            by=request.user,
            authors=list(form.cleaned_data["authors"]),
            **{name: form.cleaned_data[name] for name in ("title", "summary", "body", "audience")},
        )
        messages.success(request, "The article is saved as a draft. Publish it when it is ready.")
        return redirect(article)
    return render(request, "articles/article_form.html", {"form": form, "network": perms.network})


@login_required
def article_edit(request: HttpRequest, slug: str, article_slug: str) -> HttpResponse:
    article, perms = access.get_article_to_edit(request.user, slug, article_slug)
    form = ArticleForm(
        request.POST or None,
        instance=article,
        network=perms.network,
        can_name_authors=perms.can_coordinate,
    )
    if form.is_valid():
        fields = {
            name: form.cleaned_data[name] for name in ("title", "summary", "body", "audience")
        }
        authors = form.cleaned_data.get("authors")
        # The form has written the new values onto the instance; start from the saved ones.
        article.refresh_from_db()
        services.update_article(
            article=article, authors=list(authors) if authors is not None else None, **fields
        )
        messages.success(request, "Your changes are saved.")
        return redirect(article)
    return render(
        request,
        "articles/article_form.html",
        {"form": form, "network": perms.network, "article": article},
    )


@require_POST
@login_required
def article_publish(request: HttpRequest, slug: str, article_slug: str) -> HttpResponse:
    perms = network_access.get_network_to_coordinate(request.user, slug)
    article, _ = access.get_article_for_user(request.user, perms.network.slug, article_slug)
    article = services.publish_article(article=article)
    messages.success(request, f"“{article.title}” is published.")
    return redirect(article)


@require_POST
@login_required
def article_unpublish(request: HttpRequest, slug: str, article_slug: str) -> HttpResponse:
    perms = network_access.get_network_to_coordinate(request.user, slug)
    article, _ = access.get_article_for_user(request.user, perms.network.slug, article_slug)
    services.unpublish_article(article=article)
    messages.success(request, f"“{article.title}” is a draft again: only writers can see it.")
    return redirect(article)


def _on_site(path: str) -> str:
    """The address of one of our pages, at SITE_URL: never the Host a request named."""
    return settings.SITE_URL.rstrip("/") + path


class FullTextAtomFeed(Atom1Feed):
    """Atom with each entry's full text as <content type="html"> beside its summary."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class ArticleFeed(Feed):
    """A network's public articles as an Atom feed (feed readers do not sign in), each
    in full: members' articles are not in it at all.

    Its links are built from SITE_URL: the feed is cached for every visitor, so a link
    built from one request's Host header would send them all wherever it named.
    """

    feed_type = FullTextAtomFeed

    def get_object(self, request, slug):
        return network_access.get_network(slug)

    def title(self, network):
        return f"Articles of {network.name}"

    def link(self, network):
        return _on_site(reverse("articles:list", args=[network.slug]))

    def feed_url(self, network):
        return _on_site(reverse("articles:feed", args=[network.slug]))

    def subtitle(self, network):
        return network.summary or f"Articles published by {network.name} on Headnet."

    def items(self, network):
        return Article.objects.public().filter(network=network).for_lists()[:FEED_SIZE]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary

    def item_extra_kwargs(self, article):
        # The text as the article page shows it: Markdown rendered and sanitised on save.
        # Only a public article's; the feed lists no other, and this holds if that changes.
        return {"content": article.body_html if article.is_public else ""}

    def item_link(self, article):
        return _on_site(article.get_absolute_url())

    def item_author_name(self, article):
        return article.byline

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.revised_at or article.published_at


article_feed = cached_for_visitors(NETWORK_SCOPE)(ArticleFeed())


# Stories ----------------------------------------------------------------------


@cached_for_visitors(NETWORK_SCOPE)
def story_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Published stories, newest first: public, like the network's page."""
    perms = _perms(request, slug)
    stories = (
        Story.objects.published().filter(network=perms.network).select_related("network", "author")
    )
    inbox = StoryInbox.objects.filter(network=perms.network).first()
    return render(
        request,
        "articles/story_list.html",
        {
            "network": perms.network,
            "page": Paginator(stories, PAGE_SIZE).get_page(request.GET.get("page")),
            "accepts_stories": inbox is not None and inbox.is_open,
            "can_moderate": perms.can_coordinate,
        },
    )


@cached_for_visitors(NETWORK_SCOPE)
def story_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    story = access.get_published_story(slug, pk)
    return render(request, "articles/story_detail.html", {"story": story, "network": story.network})


def _origin_only_referrer(view):
    """The story's pages tell nobody, us included, which page a click or a style sheet
    came from: their path is a private token (or leads to one), and a Referer carries
    it into access logs beside the visitor's address and the time.

    "strict-origin" sends the site's address only, never a path. Not "no-referrer":
    under it browsers send "Origin: null" with the page's own forms (send, revise,
    withdraw), which Django's CSRF check refuses.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "strict-origin"
        return response

    return wrapper


@_origin_only_referrer
@login_required
def story_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Share a story, by name or anonymously; the private link is shown once, here."""
    network = network_access.get_network(slug)
    inbox = StoryInbox.objects.filter(network=network, is_open=True).first()
    if inbox is None or not access.may_submit_story(request.user):
        raise PermissionDenied(f"{network.label} is not taking stories at the moment.")
    form = StoryForm(request.POST or None)
    if form.is_valid():
        # Counted under a salt of the day: see is_limited_today and docs/anonymity.md.
        if is_limited_today("stories", str(request.user.pk), limit=STORIES_PER_DAY):
            form.add_error(None, "You have shared several stories today. Please try tomorrow.")
        else:
            return _send_story(request, network, form)
    return render(
        request, "articles/story_form.html", {"form": form, "network": network, "inbox": inbox}
    )


# The private link travels from the form to the "sent" page in a cookie in the author's
# own browser: signed, sent only to that page, read once and deleted there, and gone after
# a few minutes if never read. The server keeps nothing of it (no session, no message:
# docs/anonymity.md), and the page is reached by a redirect, so a reload sends nothing
# again. Its path is under stories/new/, which core.logfilters keeps out of every log.
SENT_COOKIE = "story_sent"
SENT_COOKIE_SALT = "articles.story_sent"
SENT_COOKIE_SECONDS = 10 * 60


def _send_story(request, network, form) -> HttpResponse:
    author = None if form.is_anonymous else request.user
    try:
        _story, token = services.submit_story(
            network=network,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            author=author,
        )
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from error
    sent_path = reverse("articles:story_sent", args=[network.slug])
    response = redirect(sent_path)
    response.set_signed_cookie(
        SENT_COOKIE,
        token,
        salt=SENT_COOKIE_SALT,
        max_age=SENT_COOKIE_SECONDS,
        path=sent_path,
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )
    return response


@_origin_only_referrer
def story_sent(request: HttpRequest, slug: str) -> HttpResponse:
    """The private link, shown once: the cookie the form set is read and deleted here."""
    network = network_access.get_network(slug)
    sent_path = reverse("articles:story_sent", args=[network.slug])
    token = request.get_signed_cookie(
        SENT_COOKIE, default=None, salt=SENT_COOKIE_SALT, max_age=SENT_COOKIE_SECONDS
    )
    story = access.find_story_by_token(network, token) if token else None
    context = {"network": network, "story": story}
    if story is not None:
        private_path = reverse("articles:story_private", args=[network.slug, token])
        # To copy: the site's address, not the Host the request named.
        context |= {"private_path": private_path, "private_url": _on_site(private_path)}
    response = render(request, "articles/story_sent.html", context)
    response.delete_cookie(SENT_COOKIE, path=sent_path, samesite="Strict")
    add_never_cache_headers(response)
    return response


@_origin_only_referrer
def story_private(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The author's private page: the story's state, the coordinators' note, and (when
    returned) a new version. Whoever holds the token is its author; nobody is signed in."""
    story = access.get_story_by_token(slug, token)
    form = None
    if story.state == Story.State.RETURNED:
        form = StoryReviseForm(request.POST or None, instance=story)
        if request.method == "POST" and form.is_valid():
            services.revise_story(
                story=story, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
            messages.success(request, "Your new version is with the coordinators.")
            return redirect("articles:story_private", slug, token)
    response = render(
        request,
        "articles/story_private.html",
        {"story": story, "network": story.network, "token": token, "form": form},
    )
    add_never_cache_headers(response)
    return response


@_origin_only_referrer
@require_POST
def story_withdraw(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    story = access.get_story_by_token(slug, token)
    network = story.network
    services.withdraw_story(story=story)
    messages.success(request, "Your story is withdrawn and deleted.")
    return redirect("articles:stories", network.slug)


@login_required
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    """The coordinators' queue: stories waiting, returned, and decided lately."""
    perms = network_access.get_network_to_coordinate(request.user, slug)
    stories = Story.objects.filter(network=perms.network).select_related("author")
    inbox = StoryInbox.objects.filter(network=perms.network).first()
    form = StoryInboxForm(request.POST or None, instance=inbox or StoryInbox(is_open=False))
    if request.method == "POST" and form.is_valid():
        services.set_story_inbox(
            network=perms.network,
            is_open=form.cleaned_data["is_open"],
            invitation=form.cleaned_data["invitation"],
        )
        messages.success(request, "Saved.")
        return redirect("articles:moderation", perms.network.slug)
    return render(
        request,
        "articles/moderation.html",
        {
            "network": perms.network,
            "waiting": list(stories.waiting().order_by("pk")),
            "returned": list(stories.filter(state=Story.State.RETURNED).order_by("-pk")),
            "decided": list(
                stories.filter(state__in=[Story.State.PUBLISHED, Story.State.REJECTED]).order_by(
                    "-pk"
                )[:20]
            ),
            "form": form,
        },
    )


def _decide(story: Story, form: ModerationForm) -> str:
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    if decision == ModerationForm.PUBLISH:
        services.publish_story(story=story)
        return "The story is published."
    if decision == ModerationForm.RETURN:
        services.return_story(story=story, note=note)
        return "The story is returned: its author sees your note on their private page."
    services.reject_story(story=story, note=note)
    return "The story will not be published."


@login_required
def story_moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    story, perms = access.get_story_to_moderate(request.user, slug, pk)
    form = ModerationForm(request.POST or None)
    if form.is_valid():
        try:
            messages.success(request, _decide(story, form))
            return redirect("articles:moderation", perms.network.slug)
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "articles/story_moderate.html",
        {"story": story, "network": perms.network, "form": form},
    )
