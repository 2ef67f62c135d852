from django.conf import settings
from django.core.management.base import BaseCommand

from networks import services


class Command(BaseCommand):
    help = (
        "Delete the member spreadsheets never confirmed, and empty the rows of those "
        "confirmed, IMPORT_BATCH_RETENTION_DAYS after they came in (their invitations stay)."
    )

    def handle(self, *args, **options):
        deleted, emptied = services.prune_import_batches()
        self.stdout.write(
            f"Spreadsheets older than {settings.IMPORT_BATCH_RETENTION_DAYS} days: "
            f"{deleted} drafts deleted, {emptied} emptied of their rows"
        )
