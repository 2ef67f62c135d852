"""The unsubscribe link in every announcement's email (RFC 8058 one-click as well).

The signed token in the URL is the only credential: the view takes no cookie, no
session and no CSRF token, because a mail provider's one-click POST carries none.
It answers on the spot, never with a redirect (RFC 8058: the provider follows none).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from networks.models import EmailPreference
from networks.services.preferences import set_preference

from .emails import preferences_path
from .tokens import read_unsubscribe_token

# The body of RFC 8058's POST, sent by a mail program's own unsubscribe button.
ONE_CLICK = ("List-Unsubscribe", "One-Click")


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link does, and one button. POST: no more announcements from the
    token's network to the token's person."""
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "announcements/unsubscribe_invalid.html", status=404)
    person, network = found
    if request.method == "POST":
        one_click = request.POST.get(ONE_CLICK[0]) == ONE_CLICK[1]
        set_preference(
            person=person,
            network=network,
            choice=EmailPreference.Choice.NONE,
            how="one-click" if one_click else "unsubscribe link",
        )
        template = "announcements/unsubscribe_done.html"
    else:
        template = "announcements/unsubscribe.html"
    return render(request, template, {"network": network, "preferences_path": preferences_path()})
