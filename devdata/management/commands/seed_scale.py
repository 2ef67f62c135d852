import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from devdata.scale import DEFAULT_PASSWORD, KNOWN_ACCOUNTS, LARGEST_SLUG, ScaleSeeder
from meetings.models import Meeting
from members.models import School, User
from networks.models import Network


class Command(BaseCommand):
    help = (
        "Fill an empty database with England-sized data for benchmarks: 24,000 schools, "
        "30,000 people, about 320 networks, 20,000 meetings (docs/architecture.md, Speed). "
        "For local use only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="The same seed, the same data.")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1.0 is England; 0.01 a hundredth of it."
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="Password of every account made, the benchmark's accounts included.",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete everything in the database first (manage.py flush), then fill it.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, seed, scale, password, flush, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_scale creates 30,000 accounts with a known password; it refuses to run "
                "with DEBUG off. Pass --force if this really is not a production site."
            )
        if scale <= 0:
            raise CommandError("--scale must be above 0.")
        started = time.perf_counter()
        if flush:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write(f"{'flush':>13}: {time.perf_counter() - started:6.1f} s")
        elif any(model.objects.exists() for model in (User, School, Network, Meeting)):
            raise CommandError(
                "seed_scale fills an empty database, and this one has data. Pass --flush to "
                "delete everything in it first."
            )
        report = ScaleSeeder(seed=seed, scale=scale, password=password, log=self.stdout.write).run()
        self.stdout.write(
            f"{'total':>13}: {time.perf_counter() - started:6.1f} s\n\n"
            f"The largest network: /networks/{LARGEST_SLUG}/ "
            f"({report.counts['largest network members']:,} members).\n"
            f"Accounts (password {password!r}; every other account has it too):"
        )
        for email, (_, _, what) in KNOWN_ACCOUNTS.items():
            self.stdout.write(f"  {email}: {what}; calendar feed {report.feeds[email]}")
