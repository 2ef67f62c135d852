"""The DfE register's (GIAS) "all establishment data" CSV: its columns, vocabulary and encoding.

Pure functions and constants only; members.school_import does the database work.
"""

import codecs
import csv
import re
from collections.abc import Iterator, Sequence

from members.models import School

URN = "URN"
NAME = "EstablishmentName"
LA_CODE = "LA (code)"
LA_NAME = "LA (name)"
PHASE = "PhaseOfEducation (name)"
TYPE = "TypeOfEstablishment (name)"
TYPE_GROUP = "EstablishmentTypeGroup (name)"
STATUS = "EstablishmentStatus (name)"
POSTCODE = "Postcode"
TOWN = "Town"
WEBSITE = "SchoolWebsite"
PHONE = "TelephoneNum"
# The head's name: kept to verify who claims a headship, never shown.
HEAD_TITLE = "HeadTitle (name)"
HEAD_FIRST_NAME = "HeadFirstName"
HEAD_LAST_NAME = "HeadLastName"
PUPILS = "NumberOfPupils"

# Without any of these a row cannot become a School; the register has had them
# in every layout since at least 2021.
REQUIRED_COLUMNS = (URN, NAME, LA_CODE, LA_NAME, TYPE, STATUS, PHASE)
OPTIONAL_COLUMNS = (
    TYPE_GROUP,
    POSTCODE,
    TOWN,
    WEBSITE,
    PHONE,
    HEAD_TITLE,
    HEAD_FIRST_NAME,
    HEAD_LAST_NAME,
    PUPILS,
)

PHASES: dict[str, School.Phase] = {
    "Nursery": School.Phase.NURSERY,
    "Primary": School.Phase.PRIMARY,
    "Middle deemed primary": School.Phase.MIDDLE_PRIMARY,
    "Middle deemed secondary": School.Phase.MIDDLE_SECONDARY,
    "Secondary": School.Phase.SECONDARY,
    "All-through": School.Phase.ALL_THROUGH,
    "16 plus": School.Phase.SIXTEEN_PLUS,
    "Not applicable": School.Phase.NOT_APPLICABLE,
}

STATUSES: dict[str, School.Status] = {
    "Open": School.Status.OPEN,
    # Still open until the day it closes; the register says when that is.
    "Open, but proposed to close": School.Status.OPEN,
    "Closed": School.Status.CLOSED,
    "Proposed to open": School.Status.PROPOSED,
}

_SECTOR_BY_PHASE: dict[School.Phase, School.Sector] = {
    School.Phase.NURSERY: School.Sector.NURSERY,
    School.Phase.PRIMARY: School.Sector.PRIMARY,
    School.Phase.MIDDLE_PRIMARY: School.Sector.PRIMARY,
    School.Phase.SECONDARY: School.Sector.SECONDARY,
    School.Phase.MIDDLE_SECONDARY: School.Sector.SECONDARY,
    School.Phase.ALL_THROUGH: School.Sector.ALL_THROUGH,
    School.Phase.SIXTEEN_PLUS: School.Sector.SIXTEEN_PLUS,
}

# Types whose phase is usually "Not applicable" but which teach 16 to 19 year olds:
# "Further education", "Sixth form centres", "Academy 16-19 converter",
# "Academy 16 to 19 sponsor led", "Free schools 16 to 19".
_SIXTEEN_PLUS_TYPE_WORDS = ("further education", "sixth form", "16-19", "16 to 19")

# The register's types for establishments outside England's state-funded system
# that are not named "independent": Wales has its own register, and these others
# are overseas or offshore.
_NOT_STATE_FUNDED_TYPE_WORDS = (
    "independent",
    "welsh",
    "offshore",
    "british schools overseas",
    "service children",
)

UTF8_BOM = codecs.BOM_UTF8

# One physical line with its ending (CRLF as the register writes, LF, or a lone CR).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+")


class RegisterFileError(Exception):
    """The file as a whole cannot be read as a register extract; nothing was imported."""


def sector_for(phase: School.Phase, type_name: str) -> School.Sector:
    """The sector networks use for eligibility, from the register's phase and type."""
    kind = type_name.casefold()
    # Special schools and alternative provision mostly have phase "Not applicable"
    # (and some a real phase), so their type decides before the phase does.
    if "special" in kind:
        return School.Sector.SPECIAL
    if "pupil referral unit" in kind or "alternative provision" in kind:
        return School.Sector.ALTERNATIVE_PROVISION
    if phase in _SECTOR_BY_PHASE:
        return _SECTOR_BY_PHASE[phase]
    if phase == School.Phase.NOT_APPLICABLE and any(
        word in kind for word in _SIXTEEN_PLUS_TYPE_WORDS
    ):
        return School.Sector.SIXTEEN_PLUS
    return School.Sector.OTHER


def state_funded_for(type_name: str, type_group_name: str | None = None) -> bool:
    """Whether the register's type (and type group, if given) is an English state school."""
    words = f"{type_name} {type_group_name or ''}".casefold()
    return not any(word in words for word in _NOT_STATE_FUNDED_TYPE_WORDS)


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark) or else Windows-1252."""
    # No register file has NUL bytes; a UTF-16 file or a spreadsheet's binary
    # format does, and would otherwise "decode" into nonsense.
    if b"\x00" in data:
        raise RegisterFileError(_not_register_encoding("it contains NUL bytes"))
    # The live download is Windows-1252; a file re-saved in a spreadsheet is often
    # UTF-8, with or without a byte-order mark. Windows-1252 text with accents or
    # curly quotes is almost never valid UTF-8 by accident, so UTF-8 goes first.
    # After a byte-order mark there is no fallback: bad bytes are an error.
    encodings = ("utf-8-sig",) if data.startswith(UTF8_BOM) else ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            # cp1252 is strict too: 0x81, 0x8d, 0x8f, 0x90 and 0x9d mean nothing in it.
            failure = error
    byte = data[failure.start : failure.start + 1]
    raise RegisterFileError(
        _not_register_encoding(f"byte 0x{byte.hex()} at offset {failure.start} is not a character")
    )


def _not_register_encoding(detail: str) -> str:
    return (
        "The file is not a CSV in the register's encoding (Windows-1252, or UTF-8): "
        f"{detail}. Nothing was imported."
    )


def read(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header's column names and an iterator of (line number, fields) for each data row.

    The line number is the physical line the row starts on, the header being line 1, so a
    quoted field with a line break inside still leaves later rows correctly numbered.
    """
    # Lines are cut from the text as the reader asks for them: io.StringIO would
    # hold a second copy of the whole file at four bytes a character.
    reader = csv.reader(match.group() for match in _LINE.finditer(text))
    try:
        header = next(reader)
    except StopIteration:
        raise RegisterFileError(
            "The file is empty: expected a header row with the register's column names. "
            "Nothing was imported."
        ) from None
    except csv.Error as error:
        raise RegisterFileError(f"Line 1 is not CSV ({error}). Nothing was imported.") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        start = reader.line_num + 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise RegisterFileError(
                    f"Line {start} is not CSV ({error}). Nothing was imported."
                ) from None
            # csv.reader yields an empty list for a blank line: not a row.
            if fields:
                yield start, fields
            # line_num counts physical lines read so far, including those inside
            # quoted fields, so the next row starts on the line after.
            start = reader.line_num + 1

    return [name.strip() for name in header], rows()


def missing_columns(header: Sequence[str]) -> list[str]:
    """The required columns the header lacks, in the order REQUIRED_COLUMNS names them."""
    present = set(header)
    return [column for column in REQUIRED_COLUMNS if column not in present]
