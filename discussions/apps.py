from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "discussions"

    def ready(self) -> None:
        from networks import sections

        from .sections import network_section, workhub_section

        sections.register(network_section)
        sections.register_for_workhub(workhub_section)
