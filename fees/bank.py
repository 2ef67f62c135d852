"""A bank statement CSV (date, amount, reference): pure parsing, no database."""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.money import format_pence, parse_pounds

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

    def describe(self) -> str:
        amount = format_pence(self.amount_pence) if self.amount_pence is not None else "?"
        return f"{self.date or '?'} {amount} {self.reference!r}"


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
    if date is None:
        problem = f"the date {cell(date_at)!r} is not one we can read"
    elif amount is None:
        problem = f"the amount {amount_text!r} is not a payment in"
    return StatementRow(line, date, amount, reference, problem)
