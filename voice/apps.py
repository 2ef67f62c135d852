from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "voice"

    def ready(self) -> None:
        from networks import sections

        from .sections import polls_section

        sections.register(polls_section)
