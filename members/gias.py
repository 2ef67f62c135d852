"""The DfE register's (GIAS) "all establishment data" CSV and its links file: their columns,
vocabulary and encoding.

Pure functions and constants only; members.school_import does the database work.
"""

import codecs
import csv
import datetime
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

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


# The register's links file ("links_edubasealldataYYYYMMDD.csv"), published beside the
# establishment file: one row for each direction of a link between two schools, from the
# point of view of URN ("Successor": LinkURN succeeded URN). Same dialect.
LINK_URN = "LinkURN"
LINK_NAME = "LinkName"
LINK_TYPE = "LinkType"
LINK_DATE = "LinkEstablishedDate"
LINK_COLUMNS = (URN, LINK_URN, LINK_TYPE, LINK_DATE)

# What a link of each type means for a closed school's seat, posts and fees
# (docs/rules.md, "Academy conversions"). A plain succession (an academy conversion, a
# transfer to another trust: a new URN for the same school), an amalgamation (several
# schools close and one new school opens) and a merger (a school closes into another)
# each leave one school that carries on, so the predecessor's things pass to it. A split
# leaves two schools or more: which of them carries on is for the network to decide.
CARRIES = "carries"
SPLITS = "splits"
_SUCCESSOR_TYPES = {
    "successor": CARRIES,
    "successor - amalgamated": CARRIES,
    "successor - merged": CARRIES,
    "successor - split school": SPLITS,
}
# The same links seen from the successor's side (LinkURN is URN's predecessor).
_PREDECESSOR_TYPES = {
    "predecessor": CARRIES,
    "predecessor - amalgamated": CARRIES,
    "predecessor - merged": CARRIES,
    "predecessor - split school": SPLITS,
}


@dataclass(frozen=True)
class Link:
    """A closed school and one school that succeeded it, as the register links them.

    `on`: the link's date (for a conversion the successor's opening), None if the
    register gives none. `kind`: CARRIES or SPLITS.
    """

    predecessor: int
    successor: int
    on: datetime.date | None
    kind: str
    line: int


@dataclass(frozen=True)
class Succession:
    """What the links say of one closed school: the schools that succeeded it.

    It carries on in its successor only when the register names exactly one and does not
    call it a split; otherwise (`is_split`) nothing passes without someone deciding.
    """

    predecessor: int
    successors: tuple[int, ...]
    on: datetime.date | None
    is_split: bool

    @property
    def successor(self) -> int:
        """The one school that carries it on (a succession that is not a split)."""
        if self.is_split:
            raise ValueError(f"URN {self.predecessor} split: no one successor carries it on.")
        return self.successors[0]


@dataclass
class LinksFile:
    """The links of a file that matter to Headnet, and what was left out and why."""

    links: list[Link] = field(default_factory=list)
    rows: int = 0
    # Rows of other kinds (a sixth form centre's link, "Other"...): read, not used.
    ignored: int = 0
    rejections: list[tuple[int, str]] = field(default_factory=list)


def parse_links(text: str) -> LinksFile:
    """The successions in a register links file (decoded text): each link once, whichever
    direction its row gives it in. Raises RegisterFileError when the file is not one."""
    header, records = read(text)
    missing = [column for column in LINK_COLUMNS if column not in header]
    if missing:
        names = ", ".join(f'"{name}"' for name in missing)
        raise RegisterFileError(
            f"The file has no {names} column{'s' if len(missing) > 1 else ''}: it is not the "
            "register's (GIAS) links file. Nothing was imported."
        )
    parsed = LinksFile()
    seen: set[tuple[int, int]] = set()
    for line, fields in records:
        parsed.rows += 1
        if len(fields) != len(header):
            parsed.rejections.append(
                (line, f"{len(fields)} fields where the header has {len(header)}")
            )
            continue
        value = {column: text.strip() for column, text in zip(header, fields, strict=True)}
        link = _link(line, value, parsed)
        if link is None:
            continue
        pair = (link.predecessor, link.successor)
        if pair not in seen:  # the same link, once from each side
            seen.add(pair)
            parsed.links.append(link)
    return parsed


def _link(line: int, value: dict[str, str], parsed: LinksFile) -> Link | None:
    """The row's link, predecessor first, or None (ignored, or rejected with its reasons)."""
    link_type = " ".join(value[LINK_TYPE].split()).casefold()
    if link_type in _SUCCESSOR_TYPES:
        kind, forwards = _SUCCESSOR_TYPES[link_type], True
    elif link_type in _PREDECESSOR_TYPES:
        kind, forwards = _PREDECESSOR_TYPES[link_type], False
    else:
        parsed.ignored += 1
        return None
    problems: list[str] = []
    urn = _link_urn(value[URN], URN, problems)
    link_urn = _link_urn(value[LINK_URN], LINK_URN, problems)
    on = _link_date(value[LINK_DATE], problems)
    if urn is not None and urn == link_urn:
        problems.append(f"URN {urn} is linked to itself")
    if problems or urn is None or link_urn is None:
        parsed.rejections.append((line, "; ".join(problems)))
        return None
    predecessor, successor = (urn, link_urn) if forwards else (link_urn, urn)
    return Link(predecessor=predecessor, successor=successor, on=on, kind=kind, line=line)


def _link_urn(text: str, column: str, problems: list[str]) -> int | None:
    if not re.fullmatch(r"[0-9]{1,9}", text) or int(text) == 0:
        problems.append(f'{column} "{text}" is not a URN')
        return None
    return int(text)


def _link_date(text: str, problems: list[str]) -> datetime.date | None:
    """The register's dd-mm-yyyy date; empty is allowed (the register leaves some out)."""
    if not text:
        return None
    try:
        return datetime.datetime.strptime(text, "%d-%m-%Y").date()  # noqa: DTZ007 (a date)
    except ValueError:
        problems.append(f'{LINK_DATE} "{text}" is not a date (dd-mm-yyyy)')
        return None


def successions(links: Sequence[Link]) -> list[Succession]:
    """Each closed school's succession, in the order of the file: one successor that
    carries it on, or a split (two successors or more, or a link the register calls one)."""
    by_predecessor: dict[int, list[Link]] = {}
    for link in links:
        by_predecessor.setdefault(link.predecessor, []).append(link)
    result = []
    for predecessor, its_links in by_predecessor.items():
        successors = tuple(dict.fromkeys(link.successor for link in its_links))
        dates = [link.on for link in its_links if link.on is not None]
        result.append(
            Succession(
                predecessor=predecessor,
                successors=successors,
                on=min(dates) if dates else None,
                is_split=len(successors) > 1 or any(link.kind == SPLITS for link in its_links),
            )
        )
    return result
