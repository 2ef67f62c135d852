"""System checks for settings that work on one machine but not in production."""

from django.conf import settings
from django.core.checks import Error, register

# Caches that live inside one process: with several gunicorn workers each has
# its own count, so every rate limit is multiplied by the number of workers.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
LOCAL_SITE_URL = "http://127.0.0.1:8000"


@register()
def production_settings_check(app_configs, **kwargs) -> list[Error]:
    """With DEBUG off: a shared cache for rate limits, and a real SITE_URL for links in email."""
    if settings.DEBUG:
        return []
    errors = []
    if settings.CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
        errors.append(
            Error(
                "The default cache lives in one process, so each worker counts rate limits "
                "on its own.",
                hint="Set REDIS_URL, e.g. redis://127.0.0.1:6379/0.",
                id="core.E001",
            )
        )
    if settings.SITE_URL.rstrip("/") == LOCAL_SITE_URL:
        errors.append(
            Error(
                f"SITE_URL is still the local default {LOCAL_SITE_URL}, so links in email "
                "lead nowhere.",
                hint="Set SITE_URL to the address people reach the site at.",
                id="core.E002",
            )
        )
    return errors
