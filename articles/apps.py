from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from networks import sections

        from .sections import latest_articles_section

        sections.register(latest_articles_section, shared=True)
