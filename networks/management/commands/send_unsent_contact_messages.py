from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.email import MAX_ATTEMPTS
from networks.models import ContactMessage
from networks.tasks import deliver_contact_message


class Command(BaseCommand):
    help = (
        "Queue every stored contact message that has not been emailed yet, so none is lost "
        "when the mail server was down for longer than the task's own retries."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Only messages stored at least this long ago (default 60: a fresh message "
            "is still being retried by its own task, about half an hour in all).",
        )

    def handle(self, *args, older_than, **options):
        cutoff = timezone.now() - timedelta(minutes=older_than)
        unsent = ContactMessage.objects.filter(sent_at__isnull=True, created_at__lte=cutoff)
        # A list, not an iterator: the immediate backend sends (and writes) at once.
        contact_ids = list(unsent.order_by("created_at").values_list("pk", flat=True))
        for contact_id in contact_ids:
            # One attempt per sweep: the sweep itself is the retry, so it must not
            # start a fresh chain of retries each time it runs.
            deliver_contact_message.enqueue(contact_id=contact_id, attempt=MAX_ATTEMPTS)
        count = len(contact_ids)
        self.stdout.write(f"{count} unsent contact message{'s' if count != 1 else ''} queued")
