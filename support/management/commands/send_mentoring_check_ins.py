from django.core.management.base import BaseCommand

from support.mentoring import send_check_ins


class Command(BaseCommand):
    help = (
        "Prompt mentoring pairings to check in at three, six and twelve months. Run it "
        "daily: each point is prompted once, even if the command runs twice."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Pairings prompted to check in: {send_check_ins()}")
