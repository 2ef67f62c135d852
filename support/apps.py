from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support: mentoring and coaching"

    def ready(self):
        from networks import sections

        from .sections import support_section

        sections.register(support_section, shared=True)
