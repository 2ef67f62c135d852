"""manage.py import_schools: keep schools in step with the DfE register (GIAS)."""

import argparse
import contextlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members.conversions import import_links
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
        "number and reason, and skipped). With --links, then apply the register's links "
        "file: a closed school's posts and seats pass to the school that carries it on "
        "(an academy conversion), and its networks' administrators are told; a split is "
        "only reported to them. Running the same files twice changes nothing."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "file", type=Path, nargs="?", help="The register's establishment CSV file."
        )
        parser.add_argument(
            "--links",
            type=Path,
            metavar="FILE",
            help="The register's links file (links_edubasealldataYYYYMMDD.csv), applied "
            "after the establishment file if both are given.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do all the work and report the counts, then roll everything back (the "
            "emails of --links too, where they wait for the task worker in the database, as "
            "in production).",
        )
        parser.add_argument(
            "--batch-size",
            type=_positive_int,
            default=1000,
            help="Rows saved per transaction (default 1000).",
        )

    def handle(
        self,
        *args,
        file: Path | None,
        links: Path | None,
        dry_run: bool,
        batch_size: int,
        **options,
    ) -> None:
        if file is None and links is None:
            raise CommandError("Give the register's CSV file, or --links FILE, or both.")
        # A dry run of both files rolls back once, at the end, so that the links are
        # applied to the schools as the establishment file leaves them.
        with transaction.atomic() if dry_run else contextlib.nullcontext():
            if file is not None:
                self._import_schools(file, batch_size=batch_size)
            if links is not None:
                self._import_links(links)
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write("dry run: nothing was saved")

    def _import_schools(self, file: Path, *, batch_size: int) -> None:
        try:
            report = import_schools(file, batch_size=batch_size)
        except RegisterFileError as error:
            raise CommandError(str(error)) from error
        for rejection in report.rejections:
            self.stderr.write(str(rejection))
        self.stdout.write(report.summary())
        self.stdout.write(
            f"local authorities: {report.local_authorities_created} created, "
            f"{report.local_authorities_renamed} renamed"
        )

    def _import_links(self, file: Path) -> None:
        # The conversions happen in members.conversions; the seats they carry belong to
        # networks, which registers itself there (members cannot import it).
        try:
            report = import_links(file)
        except RegisterFileError as error:
            raise CommandError(str(error)) from error
        for rejection in report.rejections:
            self.stderr.write(f"links {rejection}")
        for line in report.summary():
            self.stdout.write(line)
