from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "announcements"

    def ready(self):
        from . import receivers  # noqa: F401  (connects them to meetings' signals)
