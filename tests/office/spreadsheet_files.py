"""Spreadsheet files for the import's tests, made as people's software makes them."""

import csv
import io
import zipfile

from openpyxl import Workbook

HEADERS = ["Name", "Email", "School", "URN", "Town", "Postcode", "Role"]


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8", separator: str = ",") -> bytes:
    """The rows as a spreadsheet saves CSV: quoted where needed, CRLF line ends."""
    text = io.StringIO()
    csv.writer(text, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], *, as_text: set[tuple[int, int]] = frozenset()) -> bytes:
    """A workbook whose first sheet holds the rows; cells at `as_text` (row, column, from 0)
    are stored as text even when they start with "=", as Excel stores "'=..."."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for row_number, column_number in as_text:
        cell = sheet.cell(row=row_number + 1, column=column_number + 1)
        cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb_xlsx(*, unpacked_mb: int = 60) -> bytes:
    """A small file that unpacks to a sheet of `unpacked_mb` MB (zeros compress a thousand
    to one)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (unpacked_mb * 1024 * 1024))
    return buffer.getvalue()


def many_parts_xlsx(parts: int = 1_500) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for number in range(parts):
            archive.writestr(f"xl/part{number}.xml", "")
    return buffer.getvalue()
