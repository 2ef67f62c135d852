from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"

    def ready(self):
        from core.email import register_attachment
        from networks import sections

        from .calendars import meeting_file_for
        from .sections import next_meetings_section, workhub_meetings_section

        sections.register(next_meetings_section, shared=True)
        sections.register_for_workhub(workhub_meetings_section)
        register_attachment("meeting_ics", meeting_file_for)
