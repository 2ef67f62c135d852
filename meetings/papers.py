"""What an uploaded paper really is: checked by its content, not only by its name."""

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError

MAX_PAPER_BYTES = 20 * 1024 * 1024

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
        raise ValidationError(f"{name} is larger than {MAX_PAPER_BYTES // (1024 * 1024)} MB.")
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
        ok = head.startswith(b"PK\x03\x04") and _zip_matches(upload, extension)
    upload.seek(0)
    if not ok:
        raise _refuse(name)
    return TYPES[extension]


def _zip_matches(upload, extension: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if extension in OOXML_FOLDERS:
                return "[Content_Types].xml" in names and any(
                    item.startswith(OOXML_FOLDERS[extension]) for item in names
                )
            if "mimetype" not in names:
                return False
            return archive.read("mimetype").decode("ascii", "replace").strip() == TYPES[extension]
    except zipfile.BadZipFile:
        return False
