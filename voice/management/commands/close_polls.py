from django.core.management.base import BaseCommand

from voice.closing import close_due_polls


class Command(BaseCommand):
    help = (
        "Close the polls whose closing time has passed and ask each starter to record the "
        "outcome. Safe to run twice at once: each poll closes once."
    )

    def handle(self, *args, **options):
        closed = close_due_polls()
        self.stdout.write(f"Polls closed: {closed}")
