"""A bank statement CSV (date, amount, reference): pure parsing, no database."""

import csv
import datetime
import io
import re
from dataclasses import dataclass

from core.money import format_pence, parse_pounds

# A reference as raise_invoices writes it: PREFIX-YEAR-URN.
_REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9-]*-\d{4}-\d+")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %b %Y")


class StatementError(ValueError):
    """The file is not a statement we can read (its header lacks a column)."""


@dataclass(frozen=True)
class StatementRow:
    line: int
    date: datetime.date | None
    amount_pence: int | None
    reference: str
    problem: str = ""

    def candidates(self) -> list[str]:
        """Invoice references the row's reference may carry (banks add words and spaces)."""
        text = self.reference.upper()
        found = _REFERENCE.findall(text)
        squeezed = re.sub(r"\s+", "", text)
        return [*found, squeezed]

    def describe(self) -> str:
        amount = format_pence(self.amount_pence) if self.amount_pence is not None else "?"
        return f"{self.date or '?'} {amount} {self.reference!r}"


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
    """The statement's rows; a row that cannot be read says why in its `problem`."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        raise StatementError("The statement is empty.")
    date_at = _column(header, "date")
    amount_at = _column(header, "amount", "credit", "paid in")
    reference_at = _column(header, "reference", "description", "details")
    return [
        _row(line, fields, date_at, amount_at, reference_at)
        for line, fields in enumerate(reader, start=2)
        if any(cell.strip() for cell in fields)
    ]


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
