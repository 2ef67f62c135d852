from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"

    def ready(self):
        from networks import sections

        from .sections import next_meetings_section, workhub_meetings_section

        sections.register(next_meetings_section)
        sections.register_for_workhub(workhub_meetings_section)
