"""What an uploaded paper really is: checked by its content, not only by its name.

Office and OpenDocument files are zip archives, and a small archive can unpack to
gigabytes. So an archive is judged by its directory before anything in it is unpacked
(core.archives), and the little that is unpacked (an OpenDocument file's `mimetype`) is
read a few bytes at a time, whatever its header says.
"""

import zipfile
import zlib
from pathlib import PurePath

from django.core.exceptions import ValidationError

from core import archives

MB = 1024 * 1024
MAX_PAPER_BYTES = 20 * MB
# A 500-slide presentation has about 3,000 parts; a bomb may have hundreds of thousands,
# and each costs half a kilobyte of memory once zipfile reads the directory.
MAX_ENTRIES = 10_000
# Ten times the upload cap: real documents unpack to a few times their size; the cap
# spares the people who download a paper as much as the server that checks it.
MAX_UNPACKED_BYTES = 10 * MAX_PAPER_BYTES
MAX_MIMETYPE_BYTES = 100  # "application/vnd.oasis.opendocument.presentation" is 47

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Word, Excel and PowerPoint files
TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
OOXML_FOLDERS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
ACCEPTED = "PDF, Word, PowerPoint, Excel or OpenDocument"


def _refuse(name: str) -> ValidationError:
    return ValidationError(f"{name} is not a {ACCEPTED} file.")


def check_paper(upload) -> str:
    """The upload's content type if it is what its name says; ValidationError otherwise."""
    name = PurePath(upload.name).name
    extension = PurePath(name).suffix.lower()
    if upload.size > MAX_PAPER_BYTES:
        raise ValidationError(f"{name} is larger than {MAX_PAPER_BYTES // MB} MB.")
    if extension not in TYPES:
        raise _refuse(name)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension == ".pdf":
        ok = head.startswith(b"%PDF-")
    elif extension in (".doc", ".xls", ".ppt"):
        ok = head == OLE2
    else:
        ok = head.startswith(archives.ZIP_START) and _zip_matches(upload, extension, name)
    upload.seek(0)
    if not ok:
        raise _refuse(name)
    return TYPES[extension]


def _zip_matches(upload, extension: str, name: str) -> bool:
    _check_directory_size(upload, name)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            _check_entries(entries, name)
            names = {entry.filename for entry in entries}
            if extension in OOXML_FOLDERS:
                return "[Content_Types].xml" in names and any(
                    item.startswith(OOXML_FOLDERS[extension]) for item in names
                )
            if "mimetype" not in names:
                return False
            mimetype = archive.getinfo("mimetype")
            if mimetype.file_size > MAX_MIMETYPE_BYTES:
                return False
            with archive.open(mimetype) as entry:
                # A bounded read unpacks a few kilobytes at most: a header that
                # understates the entry ends in a failed checksum, not gigabytes later.
                content = entry.read(MAX_MIMETYPE_BYTES + 1)
            return content.decode("ascii", "replace").strip() == TYPES[extension]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        # Damaged, encrypted or packed in a way Office never uses.
        return False


def _too_many(name: str) -> ValidationError:
    return ValidationError(
        f"{name} holds too many parts for a document (at most {MAX_ENTRIES:,}). "
        "Save it again, or as a PDF, and upload that."
    )


def _check_directory_size(upload, name: str) -> None:
    """Refuse an archive whose directory is too big, before zipfile reads all of it."""
    if archives.directory_too_big(upload, max_entries=MAX_ENTRIES):
        raise _too_many(name)


def _check_entries(entries: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse too many entries, or more unpacked bytes than a document has, from the
    directory alone: nothing is unpacked to find out."""
    if len(entries) > MAX_ENTRIES:
        raise _too_many(name)
    if archives.unpacked_bytes(entries) > MAX_UNPACKED_BYTES:
        raise ValidationError(
            f"{name} would unpack to more than {MAX_UNPACKED_BYTES // MB} MB, far more "
            "than a document does. Save it again, or as a PDF, and upload that."
        )
    if not archives.packed_as_office_files_are(entries):
        raise _refuse(name)
