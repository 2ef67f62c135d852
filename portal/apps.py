from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top floor: pages that span apps (home, /me/, profile and posts, my data)."""

    name = "portal"
    verbose_name = "Portal"
