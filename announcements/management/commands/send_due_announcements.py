from django.core.management.base import BaseCommand

from announcements.sending import send_due_announcements


class Command(BaseCommand):
    help = (
        "Start sending the scheduled announcements whose time has come. Safe to run twice; "
        "run every minute."
    )

    def handle(self, *args, **options):
        started = send_due_announcements()
        if started:
            self.stdout.write(f"Started sending {len(started)} scheduled announcements.")
