from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            pagecache,
        )

        pagecache.connect_signals()
