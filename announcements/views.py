import hashlib
from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from articles.access import visible_articles
from articles.models import Article
from core import fragments, keyset, pagecache
from networks.models import network_scope

from . import access, audiences, sending, services
from .access import AnnouncementAccess
from .forms import FOLLOW_UPS, AnnouncementForm, SendForm, initial_for
from .models import Announcement

PAGE_SIZE = 20
# Newest first; the id breaks ties. The index announce_archive serves this order, so the
# last page of thousands costs what the first does.
ARCHIVE_ORDER = ["-sent_at", "-id"]
# Drafts and scheduled ones listed above the archive for the people who write them.
UNSENT_SHOWN = 50


def _sent_page(reader: AnnouncementAccess, params, heading: str) -> tuple[str, keyset.KeysetPage]:
    """The page of sent announcements the query string asks for, rendered, and its cursors
    (without its rows: they are in the HTML). The same for every reader of the archive
    (all its members read all it has sent), so kept for them all while the network's
    scope is unchanged: a send, an edit, a row's sub-group, workhub or meeting changed
    bump it, an author's new name the site's (core.pagecache)."""
    network = reader.network
    wanted = "\n".join(
        (
            *(params.get(name, "") for name in ("after", "before", "page")),
            heading,
            fragments.code_digest(),
            timezone.get_current_timezone_name(),
            translation.get_language(),
        )
    )
    key = f"announcements:archive:{network.pk}:{hashlib.sha256(wanted.encode()).hexdigest()}"

    def build() -> tuple[str, keyset.KeysetPage]:
        page = keyset.paginate(access.archive(reader), ARCHIVE_ORDER, params, PAGE_SIZE)
        context = {"rows": page.rows, "heading": heading}
        html = render_to_string("announcements/_archive_rows.html", context) if page.rows else ""
        return html, replace(page, rows=[])

    html, page = pagecache.kept(key, [network_scope(network.slug)], build)
    return mark_safe(html), page  # noqa: S308 (rendered by our template, escaped there)


@login_required
def archive(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's sent announcements, newest first, for its members; above them, the
    drafts and scheduled ones for those who may write them."""
    reader = access.get_archive(request.user, slug)
    unsent = list(access.unsent(reader)[:UNSENT_SHOWN]) if reader.can_write else []
    sent_html, page = _sent_page(reader, request.GET, "h3" if unsent else "h2")
    return render(
        request,
        "announcements/announcement_list.html",
        {
            "network": reader.network,
            "page": page,
            "sent_html": sent_html,
            "unsent": unsent,
            "can_write": reader.can_write,
        },
    )


def _detail_context(
    announcement: Announcement, reader: AnnouncementAccess, send_form: SendForm
) -> dict:
    """What the page shows; for its writers, how many it will reach or has reached."""
    can_write = reader.may_write(announcement)
    unsent = announcement.state in access.UNSENT_STATES
    return {
        "announcement": announcement,
        "network": reader.network,
        "can_write": can_write,
        "can_read_archive": reader.can_read,
        "reach": audiences.reach(announcement) if can_write and unsent else None,
        "counts": sending.delivery_counts(announcement) if can_write and not unsent else None,
        "send_form": send_form,
    }


@login_required
def detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One announcement at its stable address; a draft's page is its preview."""
    announcement, reader = access.get_announcement_for_user(request.user, slug, pk)
    return render(
        request,
        "announcements/announcement_detail.html",
        _detail_context(announcement, reader, SendForm()),
    )


def _article_from(request: HttpRequest, writer: AnnouncementAccess) -> Article | None:
    """The published article of this network named by ?article=, if any (404 otherwise)."""
    wanted = request.GET.get("article", "")
    if not wanted:
        return None
    article = visible_articles(writer.perms).filter(pk=wanted).first() if wanted.isdigit() else None
    if article is None:
        raise Http404("No such article.")
    return article


def _initial_for_new(request: HttpRequest, article: Article | None) -> dict:
    """What the composer starts with: an article's title and summary with a link to it;
    the audience a link asked for (?meeting=, ?workhub=; a follow-up by ?audience=attended
    or no_shows with ?meeting=: only a choice, checked on save)."""
    initial: dict = {"audience": Announcement.Audience.NETWORK}
    for audience in (Announcement.Audience.MEETING, Announcement.Audience.WORKHUB):
        chosen = request.GET.get(audience.value, "")
        if chosen.isdigit():
            initial |= {"audience": audience.value, audience.value: int(chosen)}
    follow_up = request.GET.get("audience", "")
    if follow_up in FOLLOW_UPS and "meeting" in initial:
        initial |= {"audience": follow_up, "held_meeting": initial.pop("meeting")}
    if article is not None:
        link = settings.SITE_URL.rstrip("/") + article.get_absolute_url()
        initial |= {
            "article": article.pk,
            "subject": article.title,
            "body": f"{article.summary}\n\n[Read “{article.title}” on Headnet]({link})",
        }
    return initial


def _then(request: HttpRequest, announcement: Announcement) -> HttpResponse:
    """After saving: the preview, or back to the composer."""
    if request.POST.get("then") == "preview":
        return redirect(announcement)
    messages.success(request, "The draft is saved. Preview it to send it.")
    return redirect("announcements:edit", announcement.network.slug, announcement.pk)


@login_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    writer = access.get_access_to_write(request.user, slug)
    article = _article_from(request, writer)
    form = AnnouncementForm(
        request.POST or None,
        access=writer,
        article=article,
        initial=_initial_for_new(request, article),
    )
    if form.is_valid():
        try:
            announcement = services.save_draft(
                network=writer.network, author=request.user, **form.values()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _then(request, announcement)
    return render(
        request,
        "announcements/announcement_form.html",
        {"form": form, "network": writer.network},
    )


@login_required
def edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    announcement, writer = access.get_announcement_to_write(request.user, slug, pk)
    if not announcement.is_draft:
        messages.info(request, "Only a draft can be changed.")
        return redirect(announcement)
    form = AnnouncementForm(
        request.POST or None,
        access=writer,
        article=announcement.article,
        initial=initial_for(announcement),
    )
    if form.is_valid():
        try:
            announcement = services.update_draft(
                announcement=announcement, by=request.user, **form.values()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _then(request, announcement)
    return render(
        request,
        "announcements/announcement_form.html",
        {"form": form, "network": writer.network, "announcement": announcement},
    )


@require_POST
@login_required
def send(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Send a draft now, or schedule it."""
    announcement, writer = access.get_announcement_to_write(request.user, slug, pk)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            announcement = services.send_announcement(
                announcement=announcement, by=request.user, send_at=form.cleaned_data["send_at"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(announcement)
        else:
            if announcement.state == Announcement.State.SCHEDULED:
                when = date_format(timezone.localtime(announcement.send_at), "l j F \\a\\t H:i")
                messages.success(
                    request,
                    f"It is scheduled. It will be sent on {when} (UK time); until then you can "
                    "stop it here.",
                )
            else:
                messages.success(request, "It is on its way to its audience.")
            return redirect(announcement)
    return render(
        request,
        "announcements/announcement_detail.html",
        _detail_context(announcement, writer, form),
    )


@require_POST
@login_required
def cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Stop a scheduled announcement: it is a draft again."""
    announcement, _ = access.get_announcement_to_write(request.user, slug, pk)
    try:
        services.cancel_scheduled(announcement=announcement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "It will not be sent. It is a draft again.")
    return redirect(announcement)


@require_POST
@login_required
def discard(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    announcement, writer = access.get_announcement_to_write(request.user, slug, pk)
    try:
        services.discard_draft(announcement=announcement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(announcement)
    messages.success(request, f"The draft “{announcement.subject}” is discarded.")
    return redirect("announcements:archive", writer.network.slug)
