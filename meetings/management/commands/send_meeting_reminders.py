from django.core.management.base import BaseCommand

from meetings.services import send_reminders


class Command(BaseCommand):
    help = (
        "Email people going to tomorrow's meetings a reminder. Run it daily (or more often): "
        "nobody is reminded twice, even if it runs twice at once."
    )

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"Reminders queued: {sent}")
