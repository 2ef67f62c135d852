from django.core.management.base import BaseCommand

from fees import services


class Command(BaseCommand):
    help = (
        "Email the current heads of schools whose fee is due, at most once per invoice every "
        f"{services.REMINDER_INTERVAL.days} days. Safe to run again (daily, say)."
    )

    def handle(self, *args, **options):
        sent = services.send_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")
