from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "voice"

    def ready(self) -> None:
        from networks import sections

        from .representative_section import representatives_section
        from .sections import decisions_section, polls_section

        sections.register(polls_section, shared=True)
        sections.register(decisions_section, shared=True)
        sections.register(representatives_section, shared=True)
