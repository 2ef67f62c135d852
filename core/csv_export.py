"""CSV downloads: UTF-8 with a header row, streamed row by row, safe to open in a
spreadsheet (a cell that would start a formula is neutralised)."""

import csv
from collections.abc import Callable, Iterable

from django.http import StreamingHttpResponse

# A spreadsheet reads a cell starting with these as a formula (or, for tab and carriage
# return, strips them and then reads the rest as one): OWASP's CSV injection advice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file that hands back what is written to it, so csv.writer yields lines."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable, columns: list[Callable]) -> Iterable[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark, so Excel opens UTF-8 (names with accents) correctly.
    yield "\ufeff" + writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([safe_cell(column(row)) for column in columns])


def stream_csv(filename: str, header: list[str], rows: Iterable, columns: list[Callable]):
    """A streamed CSV response: rows are read and written a chunk at a time."""
    response = StreamingHttpResponse(
        csv_lines(header, rows, columns), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
