from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "voice"

    def ready(self) -> None:
        from networks import sections

        from .sections import decisions_section, polls_section

        sections.register(polls_section)
        sections.register(decisions_section)
