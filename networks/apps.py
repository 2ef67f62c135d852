from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "networks"

    def ready(self):
        # A school the register closes into another: its seats follow its posts
        # (members.conversions calls these; members cannot import networks).
        from members import conversions

        from .services.conversions import follow_conversion, follow_split

        conversions.follow(conversion=follow_conversion, split=follow_split)

        # A post a school account's evidence verified as its holder signed in: the seats
        # and automatic networks follow, as after any decision (members.school_accounts).
        from members import school_accounts

        from .services.claims import follow_evidence

        school_accounts.follow(follow_evidence)
