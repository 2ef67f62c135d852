"""The admin's sign-in page, replaced by the site's own (allauth's)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


def admin_login(request: HttpRequest) -> HttpResponse:
    """Send admin sign-ins to allauth's page, which has rate limits and one-time codes."""
    # The admin's own form checks passwords without any limit, so it is never shown.
    next_url = request.GET.get("next") or reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(reverse("admin:index"))  # already in: on to the admin
        # Signed in but not staff: sending them to sign in again would loop.
        raise PermissionDenied("The administration site is for site staff.")
    return redirect_to_login(next_url, login_url="account_login")
