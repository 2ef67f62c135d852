from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "fees"
    verbose_name = "Fees"

    def ready(self):
        from networks import sections

        from .sections import fee_section

        sections.register(fee_section)
