from django.core.management.base import BaseCommand

from articles.services import tell_coordinators_of_waiting_stories


class Command(BaseCommand):
    help = "Email coordinators of networks with stories waiting for moderation (run hourly)."

    def handle(self, *args, **options):
        told = tell_coordinators_of_waiting_stories()
        self.stdout.write(f"Coordinators of {told} network(s) told of stories waiting.")
