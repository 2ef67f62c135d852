from django.core.management.base import BaseCommand

from networks import services


class Command(BaseCommand):
    help = (
        "Enrol everyone eligible for automatic networks, lapse memberships people no longer "
        "qualify for, and pass school seats to schools' current heads. Run daily: posts "
        "that start or end on a date take effect here."
    )

    def handle(self, *args, **options):
        enrolled, lapsed = services.reconcile_automatic_memberships()
        self.stdout.write(f"{enrolled} enrolled, {lapsed} lapsed")
