from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "announcements"

    def ready(self) -> None:
        from anymail.signals import tracking

        from networks import sections

        from . import receivers  # noqa: F401  (connects them to meetings' signals)
        from . import tracking as email_events
        from .sections import latest_announcements_section, workhub_announcements_section

        # An email service's bounces, complaints and unsubscribes (announcements.tracking).
        tracking.connect(email_events.receive, dispatch_uid="announcements.tracking")
        # The same for everyone with the same role (kept: Announcement.page_scopes).
        sections.register(latest_announcements_section, shared=True)
        sections.register_for_workhub(workhub_announcements_section)
