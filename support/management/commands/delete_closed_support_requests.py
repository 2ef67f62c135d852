from django.core.management.base import BaseCommand

from support.coaching import delete_closed_requests, retention_days


class Command(BaseCommand):
    help = (
        "Delete coaching requests closed or withdrawn more than SUPPORT_REQUEST_RETENTION_DAYS "
        "ago (default 90), with their notes; the record of who opened each stays, without "
        "content. Run it daily."
    )

    def handle(self, *args, **options):
        deleted = delete_closed_requests()
        self.stdout.write(
            f"Coaching requests deleted (closed over {retention_days()} days ago): {deleted}"
        )
