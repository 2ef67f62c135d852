"""The pages of discussion emails: a thread's follow / mute form, and the unsubscribe
link in every discussion email (RFC 8058 one-click as well)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from announcements.email_views import ONE_CLICK
from announcements.emails import preferences_path
from networks.models import Network

from . import tokens
from .models import DiscussionPreference, Thread
from .notifications import may_hear_of, thread_path
from .preferences import AS_NETWORK, set_network_choice, set_thread_choice

SAID = {
    "follow": "You follow this thread: an email for every post.",
    "mute": "You muted this thread: no emails about it.",
    AS_NETWORK: "Emails about this thread now follow your choice for the network.",
}


def get_thread_for_email(request: HttpRequest, slug: str, pk: int) -> Thread:
    """The thread, through its network (another network's: 404); 403 to anyone it does
    not email (notifications.readers_q: active members, a workhub's people)."""
    network = get_object_or_404(Network, slug=slug)
    thread = get_object_or_404(network.threads.select_related("network"), pk=pk)
    if not may_hear_of(request.user, thread):  # type: ignore[arg-type]
        raise PermissionDenied
    return thread


@require_POST
@login_required
def thread_email(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Follow or mute the thread, or go by the network's choice (the form on the thread)."""
    thread = get_thread_for_email(request, slug, pk)
    choice = request.POST.get("choice", "")
    if choice not in SAID:
        messages.error(request, "Choose to follow or mute the thread.")
    else:
        set_thread_choice(person=request.user, thread=thread, choice=choice)  # type: ignore[arg-type]
        messages.success(request, SAID[choice])
    return redirect(thread_path(thread))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link does, and one button. POST: no more discussion emails from the
    token's network to the token's person. The token is the only credential (no cookie,
    no CSRF token: a mail program's one-click POST carries none), and the answer is never
    a redirect (RFC 8058)."""
    found = tokens.read_unsubscribe_token(token)
    if found is None:
        return render(request, "discussions/unsubscribe_invalid.html", status=404)
    person, network = found
    if request.method == "POST":
        one_click = request.POST.get(ONE_CLICK[0]) == ONE_CLICK[1]
        set_network_choice(
            person=person,
            network=network,
            choice=DiscussionPreference.Choice.NONE,
            how="one-click" if one_click else "unsubscribe link",
        )
        template = "discussions/unsubscribe_done.html"
    else:
        template = "discussions/unsubscribe.html"
    return render(request, template, {"network": network, "preferences_path": preferences_path()})
