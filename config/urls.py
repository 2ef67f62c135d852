from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from core import views as core_views
from core.admin_login import admin_login
from members.reauthentication import reauthenticate_by_code
from portal import views as portal_views

admin.site.site_header = "Headnet administration"
admin.site.site_title = "Headnet administration"
admin.site.index_title = "Networks, people and schools"

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("networks/", include("networks.urls")),
    # /meetings/..., /networks/<slug>/meetings... and /me/calendar/...
    path("", include("meetings.urls")),
    # /mentoring/... and /networks/<slug>/support/...
    path("", include("support.urls")),
    # /networks/<slug>/articles... and /networks/<slug>/stories/...
    path("", include("articles.urls")),
    path("networks/<slug:slug>/announcements/", include("announcements.urls")),
    path("networks/<slug:slug>/office/", include("office.urls")),
    # /networks/<slug>/polls/..., /decisions/, /representatives/...
    path("networks/<slug:slug>/", include("voice.urls")),
    # /networks/<slug>/discussions/...
    path("networks/<slug:slug>/discussions/", include("discussions.urls")),
    # A thread's follow / mute form (the email part of the discussions).
    path("networks/<slug:slug>/discussions/", include("discussions.thread_email_urls")),
    # /me/discussions/remove-posts/: a person removes every post they wrote.
    path("me/discussions/", include("discussions.me_urls")),
    # /meetings/<pk>/register-of-attendance/..., /me/cpd/..., /networks/<slug>/participation/
    path("", include("attendance.urls")),
    path("leaders/", include("leaders.urls")),
    path("fees/", include("fees.urls")),
    path("me/", portal_views.me, name="me"),
    # The unsubscribe link of every announcement's email.
    path("email/", include("announcements.email_urls")),
    # The unsubscribe link of every discussion email.
    path("email/discussions/", include("discussions.email_urls")),
    path("", include("portal.urls")),
    # allauth's "confirm access", by a code, for an account without a password.
    path(
        "accounts/reauthenticate/code/",
        reauthenticate_by_code,
        name="account_reauthenticate_by_code",
    ),
    path("accounts/", include("allauth.urls")),
    # Before the admin's own URLs, so its unthrottled password form is never reached.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]


def email_event_urls(events_path: str) -> list[URLPattern | URLResolver]:
    """An email service's webhooks (django-anymail's), under the secret path; none without
    one. A function so that tests can mount them under a path of their own."""
    if not events_path:
        return []
    return [path(f"email/events/{events_path}/", include("anymail.urls"))]


urlpatterns += email_event_urls(settings.EMAIL_EVENTS_PATH)

# A database that cannot be reached answers 503 (try again), anything else 500.
handler500 = "core.views.server_error"
