from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "discussions"

    def ready(self) -> None:
        from anymail.signals import inbound

        from announcements import digest

        from . import digest_part, notifications
        from . import inbound as replies
        from .signals import post_added

        # Emails about new posts (discussions.notifications): a task queued on commit.
        post_added.connect(notifications.on_post_added, dispatch_uid="discussions.notify")
        # Replies by email through the email service's inbound webhook (discussions.inbound).
        inbound.connect(replies.receive, dispatch_uid="discussions.inbound")
        # The week's threads in the weekly digest of those who chose it (announcements.digest).
        digest.register_part(digest_part.PART)
        from networks import sections

        from .sections import network_section, workhub_section

        sections.register(network_section, shared=True)
        sections.register_for_workhub(workhub_section)
