"""Judging a zip archive (an Office or OpenDocument file) by its directory, before anything
in it is unpacked: a small archive can unpack to gigabytes (a 149 KB .odt took a worker
from 88 MB to 396 MB), and zipfile reads as many directory entries as the archive says.

Each caller sets its own limits (a meeting's paper, a member spreadsheet) and its own words.
"""

import struct
import zipfile

# Office and OpenDocument files are stored or deflated; zipfile unpacks the others
# (bzip2, lzma) with no limit on what one read produces.
PACKINGS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
ZIP_START = b"PK\x03\x04"
# The records at an archive's end that say how big its directory is.
END_OF_DIRECTORY = b"PK\x05\x06"
END_RECORD_BYTES = 22
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_LOCATOR_BYTES = 20
ZIP64_END = b"PK\x06\x06"
ZIP64_END_BYTES = 56
ZIP64_RECORDS_BYTES = ZIP64_LOCATOR_BYTES + ZIP64_END_BYTES
# A directory entry is 46 bytes and its name: 200 bytes each is generous.
DIRECTORY_BYTES_PER_ENTRY = 200


def directory_size(upload) -> tuple[int, int] | None:
    """The number of entries and the bytes of the archive's directory, read from its last
    bytes as zipfile reads them (None: not a zip archive). The file's position is kept at 0."""
    upload.seek(0, 2)
    size = upload.tell()
    # The end record, an optional comment after it, and the zip64 records before it.
    upload.seek(max(0, size - END_RECORD_BYTES - 0xFFFF - ZIP64_RECORDS_BYTES))
    tail = upload.read()
    upload.seek(0)
    return _directory_as_zipfile_reads_it(tail)


def directory_too_big(upload, *, max_entries: int) -> bool:
    """More entries, or a bigger directory, than `max_entries` would make: zipfile reads as
    many entries as the directory's size holds, whatever their number says, so both count."""
    directory = directory_size(upload)
    if directory is None:
        return False  # not a zip archive: zipfile will say so
    entries, directory_bytes = directory
    return entries > max_entries or directory_bytes > max_entries * DIRECTORY_BYTES_PER_ENTRY


def unpacked_bytes(entries: list[zipfile.ZipInfo]) -> int:
    """What the entries say they unpack to (a lie ends in a failed checksum, not more bytes,
    for a reader that reads no more than this)."""
    return sum(entry.file_size for entry in entries)


def packed_as_office_files_are(entries: list[zipfile.ZipInfo]) -> bool:
    return all(entry.compress_type in PACKINGS for entry in entries)


def _directory_as_zipfile_reads_it(tail: bytes) -> tuple[int, int] | None:
    """The number of entries and the size of the directory, from the archive's last bytes,
    found the way zipfile finds them (a lying record must not mislead only us)."""
    if tail[-END_RECORD_BYTES:].startswith(END_OF_DIRECTORY) and tail.endswith(b"\0\0"):
        end = len(tail) - END_RECORD_BYTES  # no comment
    else:
        end = tail.rfind(END_OF_DIRECTORY)
        if end < 0 or len(tail) - end < END_RECORD_BYTES:
            return None
    entries, directory_bytes = struct.unpack_from("<HI", tail, end + 10)
    # zipfile takes a zip64 record, right before the end record, over the end record.
    locator = end - ZIP64_LOCATOR_BYTES
    record = locator - ZIP64_END_BYTES
    if (
        record >= 0
        and tail[locator:].startswith(ZIP64_LOCATOR)
        and tail[record:].startswith(ZIP64_END)
    ):
        entries, directory_bytes = struct.unpack_from("<QQ", tail, record + 32)
    return entries, directory_bytes
