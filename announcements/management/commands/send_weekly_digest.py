import datetime

from django.core.management.base import BaseCommand, CommandError

from announcements.digest import send_weekly_digests, week_just_ended, week_of


class Command(BaseCommand):
    help = (
        "Email each person who chose a weekly digest for a network what the week just "
        "ended (Monday to Sunday, London time) brought in each such network: held "
        "announcements, new articles, newly published meetings. Never an empty one; "
        "safe to run twice (nobody gets a second digest for a week)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--week-of",
            metavar="YYYY-MM-DD",
            help="any day of the week to send (a rerun, a missed week); the week just "
            "ended when not given",
        )

    def handle(self, *args, **options):
        week = week_just_ended()
        if options["week_of"]:
            try:
                week = week_of(datetime.date.fromisoformat(options["week_of"]))
            except ValueError as error:
                raise CommandError(f"--week-of takes a date as YYYY-MM-DD: {error}") from None
        run = send_weekly_digests(week=week)
        self.stdout.write(
            f"Week of {week.monday:%d %B %Y}: {run.sent} digests queued; "
            f"{run.already_sent} had this week's already, {run.empty} had nothing new, "
            f"{run.suppressed} go to addresses that get no bulk mail."
        )
