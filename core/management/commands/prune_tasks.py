from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import OutgoingEmail, PeriodicRun


class Command(BaseCommand):
    help = (
        "Delete finished background tasks older than TASK_RETENTION_DAYS, and email that "
        "could not be sent by then (it may hold sign-in codes or reset links). Run daily."
    )

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=settings.TASK_RETENTION_DAYS)
        # Only finished rows: waiting and running tasks still have work to do.
        deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
        given_up, _ = OutgoingEmail.objects.filter(created_at__lt=cutoff).delete()
        # The scheduler's record of which slots ran: only the latest matter.
        PeriodicRun.objects.filter(queued_at__lt=cutoff).delete()
        self.stdout.write(
            f"Deleted {deleted} finished tasks and {given_up} unsent emails "
            f"older than {cutoff:%Y-%m-%d %H:%M}."
        )
