"""manage.py import_schools: keep schools in step with the DfE register (GIAS)."""

import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.school_import import RegisterFileError, import_schools


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return number


class Command(BaseCommand):
    help = (
        'Import a GIAS "all establishment data" CSV (Windows-1252 as downloaded, or UTF-8): '
        "create and update schools by URN, create or rename their local authorities, record "
        "closed schools. Nothing is ever deleted: a school missing from the file stays as it "
        "is. Each row is counted once: created (new), updated (changed), unchanged, closed "
        "(closed in the file and new to the database or not closed in it before; such rows "
        "are not counted again as created or updated) or rejected (listed on stderr by line "
        "number and reason, and skipped). Running the same file twice changes nothing."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="The register's CSV file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do all the work and report the counts, then roll everything back.",
        )
        parser.add_argument(
            "--batch-size",
            type=_positive_int,
            default=1000,
            help="Rows saved per transaction (default 1000).",
        )

    def handle(self, *args, file: Path, dry_run: bool, batch_size: int, **options) -> None:
        try:
            report = import_schools(file, dry_run=dry_run, batch_size=batch_size)
        except RegisterFileError as error:
            raise CommandError(str(error)) from error
        for rejection in report.rejections:
            self.stderr.write(str(rejection))
        self.stdout.write(report.summary())
        self.stdout.write(
            f"local authorities: {report.local_authorities_created} created, "
            f"{report.local_authorities_renamed} renamed"
        )
        if dry_run:
            self.stdout.write("dry run: nothing was saved")
