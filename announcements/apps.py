from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "announcements"

    def ready(self):
        from networks import sections

        from .sections import latest_announcements_section, workhub_announcements_section

        sections.register(latest_announcements_section)
        sections.register_for_workhub(workhub_announcements_section)
