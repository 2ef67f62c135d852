from django.apps import AppConfig


class OfficeConfig(AppConfig):
    """The network office: administrators run their network from the site."""

    name = "office"
