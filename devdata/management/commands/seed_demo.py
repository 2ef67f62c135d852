from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devdata.demo import Seeder


class Command(BaseCommand):
    help = (
        "Load the demo: the networks of docs/product.md, fictional schools and people, "
        "and one account per role. Safe to run again. For local use only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="headnet-demo", help="Password for every demo account."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password; it refuses to run with "
                "DEBUG off. Pass --force if this really is not a production site."
            )
        Seeder(password=password, log=self.stdout.write).run()
