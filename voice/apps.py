from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "voice"

    def ready(self) -> None:
        from networks import sections

        from .sections import decisions_section

        sections.register(decisions_section)
