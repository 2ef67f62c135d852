"""A bank statement CSV (date, amount, reference): pure parsing, no database."""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.money import format_pence, parse_pounds

# A bank statement of fee payments is a few hundred rows; a file far larger than this is
# not one (or not one to read in a web request).
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %b %Y")
# A run of letters or a run of digits: what references are compared by (see ReferenceIndex).
_TOKEN = re.compile(r"[A-Z]+|[0-9]+")


class StatementError(ValueError):
    """The file is not a statement we can read (a column missing, a line unreadable)."""


@dataclass(frozen=True)
class StatementRow:
    line: int
    date: datetime.date | None
    amount_pence: int | None
    reference: str
    problem: str = ""

    @property
    def amount_display(self) -> str:
        return format_pence(self.amount_pence) if self.amount_pence is not None else "?"

    def describe(self) -> str:
        amount = format_pence(self.amount_pence) if self.amount_pence is not None else "?"
        return f"{self.date or '?'} {amount} {self.reference!r}"


# Control characters no text file holds (tab, line feed and carriage return aside).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_TEXT = (
    "This file is not a CSV file we can read: it holds binary data or text in an unusual "
    "encoding. Export the statement from your bank as CSV (in a spreadsheet: Save As, "
    "CSV UTF-8) and upload that."
)


def too_large_message() -> str:
    return (
        f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: a statement of fee payments "
        "is far smaller. Export only the weeks you need."
    )


def decode_statement(data: bytes) -> str:
    """The text of an uploaded statement: UTF-8 (with or without its byte order mark),
    UTF-16 with its mark, or Windows-1252 (what Excel and many UK banks write);
    StatementError for anything else, or for a file too large or empty."""
    if len(data) > MAX_BYTES:
        raise StatementError(too_large_message())
    if not data.strip():
        raise StatementError("The file is empty.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "cp1252"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            break  # decodes, but as no text a bank writes: a binary file named .csv
        return text
    raise StatementError(_NOT_TEXT)


_SIGNED_AMOUNT = re.compile(r"[+-]\s*£?\s*[0-9][0-9,]*(?:\.[0-9]*)?")


def is_formula(cell: str) -> bool:
    """A spreadsheet formula (=SUM(..), @cmd, +A1, -B2), not what a bank writes. A signed
    amount (-450.00, +450.00) is not one."""
    cell = cell.lstrip(" \t\r\n")
    if cell.startswith(("=", "@")):
        return True
    signed = cell[:1] in ("+", "-") and len(cell.strip()) > 1
    return signed and not _SIGNED_AMOUNT.fullmatch(cell.strip())


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text.upper()))


class ReferenceIndex:
    """Invoice references, found wherever they stand in a row's free text.

    Banks and people add words around a reference (INV-OSSHTA-2026-123456, "fees
    OSSHTA-2026-123456 thanks"), change its case or write spaces for its hyphens.
    Text and references are compared as runs of letters and runs of digits, so a
    reference is found inside other text whatever separates it, but never inside a
    longer number or word (OSSHTA-2026-12345 is not in OSSHTA-2026-123456).
    """

    def __init__(self, references: Iterable[str]):
        self._by_tokens: dict[tuple[str, ...], list[str]] = {}
        for reference in references:
            self._by_tokens.setdefault(_tokens(reference), []).append(reference)
        self._longest = max((len(tokens) for tokens in self._by_tokens), default=0)

    def found_in(self, text: str) -> list[str]:
        """The references the text names, each once, in the order they appear. The text
        is also read with its spaces taken out, for a number a bank's line broke."""
        found: dict[str, None] = {}
        for tokens in (_tokens(text), _tokens("".join(text.split()))):
            for start in range(len(tokens)):
                for end in range(start + 1, min(start + self._longest, len(tokens)) + 1):
                    found.update(dict.fromkeys(self._by_tokens.get(tokens[start:end], ())))
        return list(found)


def _date(text: str) -> datetime.date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def _column(header: list[str], *names: str) -> int:
    lowered = [name.strip().lower() for name in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    raise StatementError(f"The statement has no {names[0]!r} column (found: {', '.join(header)}).")


def read_statement(text: str) -> list[StatementRow]:
    """The statement's rows; a row that cannot be read says why in its `problem`, a line
    the CSV reader cannot read at all (a field over its 131,072 characters) stops it."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader, None)
        if not header:
            raise StatementError("The statement is empty.")
        date_at = _column(header, "date")
        amount_at = _column(header, "amount", "credit", "paid in")
        reference_at = _column(header, "reference", "description", "details")
        rows = []
        while True:
            line = reader.line_num + 1  # where the next row starts in the file
            fields = next(reader, None)
            if fields is None:
                return rows
            if any(cell.strip() for cell in fields):
                if len(rows) == MAX_ROWS:
                    raise StatementError(
                        f"The statement has more than {MAX_ROWS:,} rows: export a shorter "
                        "period and upload each part."
                    )
                rows.append(_row(line, fields, date_at, amount_at, reference_at))
    except csv.Error as error:
        raise StatementError(f"Line {reader.line_num} cannot be read: {error}.") from error


def _row(line, fields, date_at, amount_at, reference_at) -> StatementRow:
    def cell(at):
        return fields[at].strip() if at < len(fields) else ""

    date = _date(cell(date_at))
    reference = cell(reference_at)
    amount_text = cell(amount_at)
    try:
        amount = parse_pounds(amount_text)
    except ValueError:
        amount = None
    problem = ""
    if any(is_formula(cell) for cell in fields):
        problem = "a cell holds a spreadsheet formula, not what a bank writes: left alone"
    elif date is None:
        problem = f"the date {cell(date_at)!r} is not one we can read"
    elif amount is None:
        problem = f"the amount {amount_text!r} is not a payment in"
    return StatementRow(line, date, amount, reference, problem)


def read_statement_file(data: bytes) -> list[StatementRow]:
    """A statement file's rows, as the office's upload and match_bank_payments read it."""
    return read_statement(decode_statement(data))
