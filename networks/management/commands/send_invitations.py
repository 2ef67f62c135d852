from django.core.management.base import BaseCommand

from networks import services


class Command(BaseCommand):
    help = (
        "Send the queued invitations (from member spreadsheets) within each network's hourly "
        "allowance, and remind once those unanswered a week on. Safe to run twice: each "
        "invitation is sent once and reminded once."
    )

    def handle(self, *args, **options):
        sent = services.send_queued_invitations()
        reminded = services.send_invitation_reminders()
        self.stdout.write(f"Invitations sent: {sent}; reminded: {reminded}")
