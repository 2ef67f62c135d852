"""Keep School and LocalAuthority in step with a register (GIAS) extract, by URN."""

import contextlib
import datetime
import itertools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from core import pagecache
from members import gias
from members.gias import RegisterFileError
from members.models import LocalAuthority, School

__all__ = ["ImportReport", "Rejection", "RegisterFileError", "import_schools", "read_source"]

# PositiveIntegerField's ceiling on PostgreSQL; real URNs have six digits.
_MAX_URN = 2_147_483_647

# The School fields an import may change. Town, postcode, website, phone and the
# head's name are only touched when the file has their column (see _parse_row).
_OPTIONAL_FIELDS = {
    gias.TOWN: "town",
    gias.POSTCODE: "postcode",
    gias.WEBSITE: "website",
    gias.PHONE: "phone",
    gias.HEAD_TITLE: "head_title",
    gias.HEAD_FIRST_NAME: "head_first_name",
    gias.HEAD_LAST_NAME: "head_last_name",
}


@dataclass(frozen=True)
class Rejection:
    """A row that was skipped: its line in the file (the header is line 1) and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did; each data row is counted in exactly one of the five outcomes."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Newly recorded as closed: closed in the file and new to the database or
    # not closed in it before. Not counted again under created or updated.
    closed: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    local_authorities_created: int = 0
    local_authorities_renamed: int = 0
    dry_run: bool = False

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def summary(self) -> str:
        """One line of counts that add up to the number of rows."""
        return (
            f"{self.rows} rows: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.closed} closed, {self.rejected} rejected"
        )


@dataclass(frozen=True)
class _Row:
    urn: int
    la_code: str
    la_name: str
    values: dict[str, Any]


def import_schools(
    source: str | os.PathLike[str] | BinaryIO, *, dry_run: bool = False, batch_size: int = 1000
) -> ImportReport:
    """Create and update schools (and their local authorities) from a register CSV; never delete.

    Raises RegisterFileError, before touching the database, when the file cannot be read
    as a register extract (encoding, required columns). Bad rows are rejected one by one
    and the rest imported. With dry_run everything runs and is then rolled back.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    header, records = gias.read(gias.decode(read_source(source)))
    missing = gias.missing_columns(header)
    if missing:
        names = ", ".join(f'"{name}"' for name in missing)
        raise RegisterFileError(
            f"The file has no {names} column{'s' if len(missing) > 1 else ''}: it is not a "
            "register (GIAS) establishment extract. Nothing was imported."
        )

    report = ImportReport(dry_run=dry_run)
    # Parse and check every row before writing anything, so that a file which turns
    # out not to be CSV halfway through changes nothing.
    rows = _valid_rows(header, records, report)

    # A dry run wraps the whole import in one transaction and rolls it back, so it
    # runs exactly the same code and queries as a real one.
    outer = transaction.atomic() if dry_run else contextlib.nullcontext()
    with outer:
        la_ids = _save_local_authorities(rows, report)
        now = timezone.now()
        # One transaction per batch: a national file does not hold one long write
        # transaction, and as a rerun is harmless a failed import is simply rerun.
        for batch in itertools.batched(rows, batch_size, strict=False):
            with transaction.atomic():
                _save_batch(batch, la_ids, now, report)
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        pagecache.invalidate(pagecache.SITE)  # schools and areas, in bulk: no model signals
    return report


def read_source(source: str | os.PathLike[str] | BinaryIO) -> bytes:
    """The bytes of a path or an open binary file; RegisterFileError if it cannot be read."""
    if hasattr(source, "read"):
        return source.read()
    try:
        with open(source, "rb") as file:
            return file.read()
    except OSError as error:
        raise RegisterFileError(f"Cannot read {source}: {error.strerror}.") from None


def _valid_rows(
    header: list[str], records: Iterator[tuple[int, list[str]]], report: ImportReport
) -> list[_Row]:
    """The rows that can be imported; the others are added to the report's rejections."""
    rows: list[_Row] = []
    first_line_by_urn: dict[int, int] = {}
    for line, fields in records:
        report.rows += 1
        if len(fields) != len(header):
            report.rejections.append(
                Rejection(line, f"{len(fields)} fields where the header has {len(header)}")
            )
            continue
        row = _parse_row(line, dict(zip(header, fields, strict=True)), report)
        if row is None:
            continue
        if row.urn in first_line_by_urn:
            report.rejections.append(
                Rejection(line, f"URN {row.urn} is already on line {first_line_by_urn[row.urn]}")
            )
            continue
        first_line_by_urn[row.urn] = line
        rows.append(row)
    return rows


def _parse_row(line: int, record: dict[str, str], report: ImportReport) -> _Row | None:
    """The row's values for School, or None after recording every problem it has."""
    value = {column: text.strip() for column, text in record.items()}
    # Every check runs, in the order of the columns, so one rejection names every problem.
    problems: list[str] = []
    urn = _urn(value[gias.URN], problems)
    if not value[gias.NAME]:
        problems.append("no establishment name")
    la_code, la_name = _local_authority(value, problems)
    phase = _known(gias.PHASES, value[gias.PHASE], "phase", problems)
    status = _known(gias.STATUSES, value[gias.STATUS], "status", problems)
    type_name = value[gias.TYPE]
    if not type_name:
        problems.append("no type of establishment")
    values = _school_text(value)
    problems += _too_long(values, la_name)
    if gias.PUPILS in value:
        values["number_of_pupils"] = _pupils(value[gias.PUPILS], problems)

    if problems:
        report.rejections.append(Rejection(line, "; ".join(problems)))
        return None
    values |= {
        "phase": phase,
        "status": status,
        "sector": gias.sector_for(phase, type_name),
        "state_funded": gias.state_funded_for(type_name, value.get(gias.TYPE_GROUP)),
    }
    return _Row(urn=urn, la_code=la_code, la_name=la_name, values=values)


def _urn(text: str, problems: list[str]) -> int | None:
    """The URN, or None after adding why it is not one."""
    if not re.fullmatch(r"[0-9]+", text):
        problems.append(f'URN "{text}" is not a number')
        return None
    urn = int(text)
    if not 0 < urn <= _MAX_URN:
        problems.append(f'URN "{text}" is out of range')
    return urn


def _pupils(text: str, problems: list[str]) -> int | None:
    """The number of pupils (the register leaves it empty for many schools), or None."""
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{1,7}", text):
        problems.append(f'{gias.PUPILS} "{text}" is not a number')
        return None
    return int(text)


def _local_authority(value: dict[str, str], problems: list[str]) -> tuple[str, str]:
    """The local authority's code (three digits) and name, adding what is wrong with them."""
    la_code = value[gias.LA_CODE]
    if not la_code:
        problems.append(f'{gias.LA_CODE} "" is missing')
    elif not re.fullmatch(r"[0-9]{1,3}", la_code):
        problems.append(f'{gias.LA_CODE} "{la_code}" is not a number of up to three digits')
    la_name = value[gias.LA_NAME]
    if not la_name:
        problems.append(f"no {gias.LA_NAME}")
    # The register writes codes with leading zeros; padding makes "1" and "001" one LA.
    return la_code.zfill(3), la_name


def _known[T](vocabulary: dict[str, T], text: str, what: str, problems: list[str]) -> T | None:
    """The register's word looked up in our vocabulary, or None after adding that it is not."""
    known = vocabulary.get(text)
    if known is None:
        problems.append(f'{what} "{text}" is not one the register uses')
    return known


def _school_text(value: dict[str, str]) -> dict[str, str]:
    """School's text fields: name and type always, the optional ones if the file has them."""
    values = {"name": value[gias.NAME], "type_name": value[gias.TYPE]}
    for column, field_name in _OPTIONAL_FIELDS.items():
        if column in value:
            values[field_name] = value[column]
    if "postcode" in values:
        values["postcode"] = values["postcode"].upper()
    return values


def _too_long(values: dict[str, str], la_name: str) -> list[str]:
    """A problem for each text longer than its database column allows."""
    lengths = [
        (field_name, text, School._meta.get_field(field_name).max_length)
        for field_name, text in values.items()
    ]
    lengths.append((gias.LA_NAME, la_name, LocalAuthority._meta.get_field("name").max_length))
    return [
        f"{name} is longer than {limit} characters"
        for name, text, limit in lengths
        if len(text) > limit
    ]


def _save_local_authorities(rows: list[_Row], report: ImportReport) -> dict[str, int]:
    """Create the file's new local authorities, rename changed ones; their ids by code."""
    # The first row naming a code gives its name: the register uses one name per code.
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row.la_code, row.la_name)
    with transaction.atomic():
        existing = {la.code: la for la in LocalAuthority.objects.all()}
        new = [
            LocalAuthority(code=code, name=name)
            for code, name in names.items()
            if code not in existing
        ]
        renamed = []
        for code, name in names.items():
            la = existing.get(code)
            if la is not None and la.name != name:
                la.name = name
                renamed.append(la)
        if new:
            LocalAuthority.objects.bulk_create(new)
        if renamed:
            LocalAuthority.objects.bulk_update(renamed, ["name"])
    report.local_authorities_created = len(new)
    report.local_authorities_renamed = len(renamed)
    if not new:
        return {code: la.pk for code, la in existing.items()}
    # Not every database returns the new rows' ids from a bulk insert, so ask.
    return dict(LocalAuthority.objects.filter(code__in=names).values_list("code", "pk"))


def _save_batch(
    batch: tuple[_Row, ...], la_ids: dict[str, int], now: datetime.datetime, report: ImportReport
) -> None:
    """Insert the batch's new schools and update its changed ones: a few queries, none per row."""
    existing = School.objects.in_bulk([row.urn for row in batch], field_name="urn")
    new: list[School] = []
    changed: list[School] = []
    changed_fields: set[str] = set()
    for row in batch:
        values = row.values | {"local_authority_id": la_ids[row.la_code]}
        school = existing.get(row.urn)
        differences: list[str] = []
        if school is None:
            new.append(School(urn=row.urn, **values))
        else:
            differences = [name for name, value in values.items() if getattr(school, name) != value]
            if differences:
                for name in differences:
                    setattr(school, name, values[name])
                # auto_now applies on save() and bulk_create, not on bulk_update.
                school.updated_at = now
                changed.append(school)
                changed_fields.update(differences)

        if values["status"] == School.Status.CLOSED and (school is None or "status" in differences):
            report.closed += 1
        elif school is None:
            report.created += 1
        elif differences:
            report.updated += 1
        else:
            report.unchanged += 1
    if new:
        School.objects.bulk_create(new)
    if changed:
        # Only the columns that changed somewhere in the batch: a rename rewrites names.
        School.objects.bulk_update(changed, [*sorted(changed_fields), "updated_at"])
