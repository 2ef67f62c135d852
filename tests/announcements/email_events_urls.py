"""The site's URLs with an email service's webhooks mounted, as EMAIL_EVENTS_PATH mounts
them in production (config/urls.py builds its list once, at import, from the setting)."""

from config.urls import email_event_urls
from config.urls import urlpatterns as site_urlpatterns

EVENTS_PATH = "test-events-path-long-and-random"

urlpatterns = [*site_urlpatterns, *email_event_urls(EVENTS_PATH)]
handler500 = "core.views.server_error"
