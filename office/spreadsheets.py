"""Reading a member spreadsheet (a CSV file, an Excel .xlsx workbook or pasted text) into a
header and rows of plain text, and guessing what each column holds. Nothing here touches
the database.

A spreadsheet is what people send, so nothing in it is trusted: its encoding is worked
out (UTF-8, with or without a byte-order mark, else the few encodings English spreadsheets
come in), a binary file named .csv is refused, a workbook is judged by its zip directory
before it is opened (core.archives) and read a row at a time up to the limit, and a
formula is never run: a CSV cell is only ever text, and a workbook is read for the values
Excel last saved (data_only), never its formulas.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import charset_normalizer
from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core import archives
from core.csv_export import safe_cell
from networks.imports import COLUMNS

MB = 1024 * 1024
MAX_BYTES = 5 * MB
MAX_COLUMNS = 60
MAX_CELL_CHARACTERS = 500
# An .xlsx file is a dozen or so parts; a member list's unpacks to a megabyte or two.
MAX_WORKBOOK_PARTS = 1_000
MAX_UNPACKED_BYTES = 20 * MB
# Blank rows a workbook may hold besides its rows (a sheet can claim a million of them).
MAX_BLANK_ROWS = 10_000
SEPARATORS = ",;\t|"
SEPARATOR_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
# The encodings a spreadsheet saved in England comes in, when it is not UTF-8: Excel's
# "CSV" on Windows (Windows-1252) and on an old Mac, and "Unicode text" (UTF-16).
LIKELY_ENCODINGS = ["cp1252", "utf_16_le", "utf_16_be", "mac_roman", "latin_1"]
ENCODING_NAMES = {
    "utf_8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
    "cp1252": "Windows-1252",
    "mac_roman": "Mac Roman",
    "latin_1": "Latin-1",
    "ascii": "UTF-8",
}
BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
]
# What a file named .csv may really be, by its first bytes.
NOT_TEXT = [
    (archives.ZIP_START, "an Excel workbook or another zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel (.xls) workbook or another Office file"),
    (b"%PDF-", "a PDF"),
    (b"\x89PNG", "a picture"),
    (b"\xff\xd8\xff", "a picture"),
    (b"GIF8", "a picture"),
    (b"MZ", "a program"),
    (b"\x7fELF", "a program"),
]
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
SAVE_AS = 'Save it from your spreadsheet as "CSV UTF-8", or as an Excel workbook (.xlsx).'


@dataclass
class Table:
    """A spreadsheet as text: its header, its rows (each as long as the header) and the
    spreadsheet's own row number of each, and how it was read, in words."""

    headers: list[str]
    rows: list[list[str]]
    lines: list[int]
    description: str = ""


def _max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def read_upload(name: str, data: bytes) -> Table:
    """The uploaded file's rows; ValidationError, saying what to do, for anything else."""
    name = PurePath(name).name
    if len(data) > MAX_BYTES:
        raise ValidationError(
            f"{name} is larger than {MAX_BYTES // MB} MB, far more than a member list. "
            "Upload a file with only the members' rows, or split it into smaller files."
        )
    if not data.strip():
        raise ValidationError(f"{name} is empty.")
    extension = PurePath(name).suffix.lower()
    if extension in (".xlsx", ".xlsm"):
        return read_workbook(name, data)
    if extension in (".xls", ".ods", ".numbers"):
        raise ValidationError(f"Headnet cannot read {extension} files. {SAVE_AS}")
    return read_csv(name, data)


def read_csv(name: str, data: bytes) -> Table:
    for start, what in NOT_TEXT:
        if data.startswith(start):
            raise ValidationError(f"{name} is not a CSV file: it is {what}. {SAVE_AS}")
    text, encoding = _decode(name, data)
    if CONTROL.search(text[:65536]):
        raise ValidationError(
            f"{name} is not a text file: it holds characters no spreadsheet writes (it may be "
            f"a program, a picture or a document renamed .csv). {SAVE_AS}"
        )
    table = read_text(text, source=name)
    table.description = f"CSV, {ENCODING_NAMES.get(encoding, encoding)}, {table.description}"
    return table


def _decode(name: str, data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was in: its byte-order mark, else UTF-8 if it
    reads as UTF-8, else the likeliest of the few encodings spreadsheets come in."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf_8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=LIKELY_ENCODINGS).best()
    if best is None or best.encoding is None:
        raise ValidationError(
            f"Headnet cannot tell how the text of {name} is written (its character "
            f"encoding), so it cannot read the names in it correctly. {SAVE_AS}"
        )
    return str(best), best.encoding


def read_text(text: str, *, source: str = "The pasted text") -> Table:
    """Rows of text separated by commas, semicolons, tabs (as pasted from a spreadsheet) or
    vertical bars: the first row that is not blank names the columns."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ValidationError(f"{source} has no rows.")
    separator = _separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
    headers: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    counted = 0
    try:
        for cells in reader:
            cleaned = _clean_row(cells, source, reader.line_num, headers)
            if not any(cleaned):
                continue
            if headers is None:
                headers = _headers(cleaned)
                continue
            counted += 1
            if counted <= _max_rows():
                rows.append(_fit(cleaned, len(headers)))
                lines.append(reader.line_num)
    except csv.Error as error:
        raise ValidationError(
            f"{source} cannot be read as rows and columns (line {reader.line_num}: {error}). "
            f"{SAVE_AS}"
        ) from error
    described = f"columns separated by {SEPARATOR_NAMES[separator]}"
    headers = _checked_headers(source, headers, counted, exact=True)
    return Table(headers=headers, rows=rows, lines=lines, description=described)


def _separator(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:
        # A column or two the sniffer cannot be sure of: the one the header uses most.
        first = next((line for line in text.splitlines() if line.strip()), "")
        counts = {separator: first.count(separator) for separator in SEPARATORS}
        best = max(counts, key=lambda separator: counts[separator])
        return best if counts[best] else ","


def _clean_row(cells: list[str], source: str, line: int, headers: list[str] | None) -> list[str]:
    if len(cells) > MAX_COLUMNS and any(cells[MAX_COLUMNS:]):
        raise ValidationError(
            f"{source} has more than {MAX_COLUMNS} columns (line {line}). Is it the member "
            "list? Keep only its members' columns and upload that."
        )
    cleaned = [" ".join(cell.split()) for cell in cells[:MAX_COLUMNS]]
    for number, cell in enumerate(cleaned):
        if len(cell) > MAX_CELL_CHARACTERS:
            column = headers[number] if headers and number < len(headers) else number + 1
            raise ValidationError(
                f"{source}, line {line}, column {column}: the cell holds more than "
                f"{MAX_CELL_CHARACTERS} characters, far more than a name or an address. "
                "Is it the member list?"
            )
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    return cleaned


def _headers(cells: list[str]) -> list[str]:
    return [cell or f"Column {number}" for number, cell in enumerate(cells, start=1)]


def _fit(cells: list[str], width: int) -> list[str]:
    return (cells + [""] * width)[:width]


def _checked_headers(
    source: str, headers: list[str] | None, rows: int, *, exact: bool
) -> list[str]:
    """The header, if the table has one, rows under it, and not too many."""
    if headers is None or rows == 0:
        raise ValidationError(
            f"{source} has no members' rows: its first row should name the columns (name, "
            "email address, school …) and each row after it be one person."
        )
    limit = _max_rows()
    if rows > limit:
        counted = f"{rows:,} rows" if exact else f"more than {limit:,} rows"
        raise ValidationError(
            f"{source} has {counted}; Headnet brings in at most {limit:,} at a time. "
            "Split it into files of fewer rows and bring each in."
        )
    return headers


def read_workbook(name: str, data: bytes) -> Table:
    """The first sheet of an .xlsx workbook, as the values Excel last saved."""
    upload = io.BytesIO(data)
    if not data.startswith(archives.ZIP_START):
        raise ValidationError(
            f"{name} is not an Excel workbook, though its name says so. {SAVE_AS}"
        )
    _check_archive(upload, name)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationError(f"{name} cannot be read as an Excel workbook. {SAVE_AS}") from error
    try:
        return _read_sheet(workbook.worksheets[0], name)
    finally:
        workbook.close()


def _check_archive(upload: io.BytesIO, name: str) -> None:
    too_big = ValidationError(
        f"{name} would unpack to far more than a member list does (it may be damaged, or "
        f"built to overwhelm a server). {SAVE_AS}"
    )
    if archives.directory_too_big(upload, max_entries=MAX_WORKBOOK_PARTS):
        raise too_big
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as error:
        raise ValidationError(f"{name} cannot be read as an Excel workbook. {SAVE_AS}") from error
    if len(entries) > MAX_WORKBOOK_PARTS or archives.unpacked_bytes(entries) > MAX_UNPACKED_BYTES:
        raise too_big
    if not archives.packed_as_office_files_are(entries):
        raise ValidationError(f"{name} is not packed as Excel packs a workbook. {SAVE_AS}")
    upload.seek(0)


def _read_sheet(sheet: Any, name: str) -> Table:  # openpyxl's sheets are not typed
    headers: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    counted = blank = 0
    for line, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), 1):
        cleaned = _clean_row([_cell_text(value) for value in values], name, line, headers)
        if not any(cleaned):
            blank += 1
            if blank > MAX_BLANK_ROWS:
                break
            continue
        if headers is None:
            headers = _headers(cleaned)
            continue
        counted += 1
        if counted > _max_rows():
            break  # a sheet may be enormous: stop reading at the first row too many
        rows.append(_fit(cleaned, len(headers)))
        lines.append(line)
    headers = _checked_headers(name, headers, counted, exact=False)
    return Table(headers=headers, rows=rows, lines=lines, description="Excel workbook, first sheet")


def _cell_text(value: object) -> str:
    """A cell's value as text: whole numbers without ".0" (a URN), dates as dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def shown(value: str, limit: int = 40) -> str:
    """A cell as shown back to a person: a formula neutralised (never run), long text cut."""
    text = safe_cell(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Guessing the columns ----------------------------------------------------------

# Words of a column's heading, for what it holds; the longer phrases are tried first, so
# "school name" is a school and "first name" a first name, not a whole name.
HEADINGS = {
    "email": ["email address", "e mail address", "email", "e mail", "mail", "contact email"],
    "urn": ["urn", "unique reference number", "school urn", "dfe urn"],
    "postcode": ["postcode", "post code", "postal code", "zip"],
    "first_name": ["first name", "firstname", "forename", "forenames", "given name", "first"],
    "last_name": ["last name", "lastname", "surname", "family name", "last"],
    "school": [
        "school name", "school", "establishment", "establishment name", "academy", "setting",
        "organisation", "institution",
    ],
    "role": ["role", "position", "job title", "post", "job", "job role"],
    "town": ["town", "city", "locality", "town or city"],
    "name": [
        "full name", "name", "member", "member name", "contact", "contact name", "head",
        "headteacher", "head teacher", "person",
    ],
}  # fmt: skip


def _heading_words(heading: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", heading.casefold()).split())


def guess_columns(headers: list[str]) -> dict[str, int]:
    """What each column probably holds, from its heading: {"email": 2, "school": 0, ...}.
    Each kind of thing in one column at most; a column nothing fits is left out."""
    words = [_heading_words(heading) for heading in headers]
    guessed: dict[str, int] = {}
    for exact in (True, False):
        for kind, phrases in HEADINGS.items():
            if kind in guessed:
                continue
            for number, heading in enumerate(words):
                if number in guessed.values():
                    continue
                if _fits(heading, phrases, exact=exact):
                    guessed[kind] = number
                    break
    # A whole name beside a first and last name would be read twice.
    if "name" in guessed and {"first_name", "last_name"} <= guessed.keys():
        del guessed["name"]
    return {kind: guessed[kind] for kind in COLUMNS if kind in guessed}


def _fits(heading: str, phrases: list[str], *, exact: bool) -> bool:
    if exact:
        return heading in phrases
    padded = f" {heading} "
    return any(f" {phrase} " in padded for phrase in phrases if len(phrase) > 3)
