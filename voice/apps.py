from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "voice"

    def ready(self) -> None:
        from networks import sections

        from .representative_section import representatives_section

        sections.register(representatives_section)
