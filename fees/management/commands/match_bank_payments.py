from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fees import bank, services
from networks.models import Network


class Command(BaseCommand):
    help = (
        "Mark paid the network's invoices that a bank statement CSV (date, amount, reference) "
        "pays, and list the rows it could not match. Safe to run again on the same file. The "
        "same rules as the office's bank statement upload (fees.services.match_bank_statement)."
    )

    def add_arguments(self, parser):
        parser.add_argument("network", help="The network's slug, e.g. osshta")
        parser.add_argument(
            "statement", help="The statement CSV file (UTF-8, UTF-16 or Windows-1252)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Report only; change nothing")

    def handle(self, *args, network, statement, dry_run, **options):
        found = Network.objects.filter(slug=network).first()
        if found is None:
            raise CommandError(f"No network with the slug {network!r}.")
        try:
            rows = bank.read_statement_file(Path(statement).read_bytes())
        except (OSError, bank.StatementError) as error:
            raise CommandError(str(error)) from error
        report = services.match_bank_statement(network=found, rows=rows, by=None, dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        for line in report.lines():
            self.stdout.write(line)
