from django.core.management.base import BaseCommand

from voice.closing import send_reminders


class Command(BaseCommand):
    help = (
        "Remind those who have not voted in a poll closing within a day. Each poll's reminder "
        "goes once, even if this runs twice at once."
    )

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"Poll reminders queued: {sent}")
