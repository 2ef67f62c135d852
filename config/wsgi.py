"""WSGI entry point: `gunicorn config.wsgi` (see gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Import every view now, not on a worker's first request: with gunicorn's
# preload_app a worker restarted after max_requests forks with them loaded,
# instead of spending its first request (hundreds of milliseconds) importing.
get_resolver().url_patterns  # noqa: B018
