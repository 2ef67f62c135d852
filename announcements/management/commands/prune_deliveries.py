from django.conf import settings
from django.core.management.base import BaseCommand

from announcements.sending import prune_deliveries


class Command(BaseCommand):
    help = (
        "Delete the delivery rows of announcements sent more than "
        "ANNOUNCEMENT_DELIVERY_RETENTION_DAYS ago, keeping their counts. Run daily."
    )

    def handle(self, *args, **options):
        pruned = prune_deliveries()
        self.stdout.write(
            f"Pruned the delivery rows of {pruned} announcements sent more than "
            f"{settings.ANNOUNCEMENT_DELIVERY_RETENTION_DAYS} days ago."
        )
