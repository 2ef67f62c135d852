from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Schools and people"

    def ready(self) -> None:
        from . import social

        # allauth tells of a sign-in with a school's account only by its signals.
        social.connect_receivers()
