"""Issue 19, finding 9: a paper that is a zip bomb.

Office and OpenDocument files are zip archives. A 149 KB .odt whose `mimetype` entry
unpacked to hundreds of megabytes took a worker from 88 MB to 396 MB while it was being
checked, and the 20 MB upload cap let through archives that unpack to about 20 GB. An
archive's directory is read first and refused when it holds too many entries or would
unpack to too much; what is read of it is read in small pieces, so a header that lies
about an entry's size costs nothing either.
"""

import contextlib
import io
import struct
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Paper
from meetings.papers import MAX_ENTRIES, MAX_UNPACKED_BYTES, TYPES, check_paper
from tests import factories

ODT = TYPES[".odt"]
MB = 1024 * 1024
ALMOST_4_GB = 4 * 1024 * MB - 1  # the most a (non-zip64) directory can claim


def _odt(mimetype: str = ODT) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return buffer.getvalue()


def _ooxml(folder: str, *, parts: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
        for number in range(parts):
            archive.writestr(f"{folder}media/part{number}.xml", "")
    return buffer.getvalue()


def _claiming(data: bytes, name: str, size: int) -> bytes:
    """The archive with its directory saying that `name` unpacks to `size` bytes."""
    record = data.index(b"PK\x01\x02")
    while True:
        length = struct.unpack_from("<H", data, record + 28)[0]
        if data[record + 46 : record + 46 + length] == name.encode():
            return data[: record + 24] + struct.pack("<I", size) + data[record + 28 :]
        record = data.index(b"PK\x01\x02", record + 4)


def _bomb_odt(unpacked: int) -> bytes:
    """An .odt whose `mimetype` entry really unpacks to `unpacked` bytes, small on disk."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("mimetype")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as entry:
            for _ in range(unpacked // MB):
                entry.write(b" " * MB)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        check_paper(_upload(name, data))
    return " ".join(refused.value.messages)


def _peak_memory_checking(name: str, data: bytes) -> int:
    upload = _upload(name, data)
    tracemalloc.start()
    with contextlib.suppress(ValidationError):
        check_paper(upload)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_the_bomb_is_a_real_one():
    data = _bomb_odt(64 * MB)
    assert len(data) < 100 * 1024
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("mimetype").file_size == 64 * MB
        with archive.open("mimetype") as entry:
            assert entry.read(10) == b" " * 10


@pytest.mark.parametrize("extension", [".odt", ".ods", ".odp"])
def test_real_opendocument_files_are_accepted(extension):
    data = _odt(mimetype=TYPES[extension])

    assert check_paper(_upload(f"paper{extension}", data)) == TYPES[extension]


@pytest.mark.parametrize(("extension", "folder"), [(".docx", "word/"), (".xlsx", "xl/"),
                                                   (".pptx", "ppt/")])  # fmt: skip
def test_real_office_files_are_accepted_even_with_many_parts(extension, folder):
    data = _ooxml(folder, parts=2_000)

    assert check_paper(_upload(f"paper{extension}", data)) == TYPES[extension]


def test_an_odt_whose_mimetype_unpacks_to_64_mb_is_refused_without_unpacking_it():
    data = _bomb_odt(64 * MB)

    assert "not a" in _refusal("minutes.odt", data)
    assert _peak_memory_checking("minutes.odt", data) < 4 * MB


def test_an_odt_whose_header_understates_the_bomb_is_refused_without_unpacking_it():
    # The directory says the mimetype is its usual few bytes; the data says 64 MB.
    data = _claiming(_bomb_odt(64 * MB), "mimetype", len(ODT))

    assert "not a" in _refusal("minutes.odt", data)
    assert _peak_memory_checking("minutes.odt", data) < 4 * MB


def test_an_archive_claiming_gigabytes_is_refused_from_its_directory_alone(monkeypatch):
    data = _claiming(_ooxml("word/"), "word/document.xml", ALMOST_4_GB)

    def never(*args, **kwargs):
        raise AssertionError("an entry was unpacked")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", never)
    message = _refusal("agenda.docx", data)
    assert f"more than {MAX_UNPACKED_BYTES // MB} MB" in message
    assert "agenda.docx" in message


def test_an_archive_unpacking_past_the_cap_in_many_parts_is_refused():
    # Each part under the cap; together over it.
    data = _ooxml("word/", parts=3)
    for number in range(3):
        data = _claiming(data, f"word/media/part{number}.xml", MAX_UNPACKED_BYTES // 2)

    assert f"more than {MAX_UNPACKED_BYTES // MB} MB" in _refusal("agenda.docx", data)


def test_an_archive_with_too_many_entries_is_refused():
    data = _ooxml("word/", parts=MAX_ENTRIES)

    message = _refusal("agenda.docx", data)
    assert "too many parts" in message
    assert _peak_memory_checking("agenda.docx", data) < 4 * MB


def test_an_archive_that_understates_its_entries_is_refused_before_reading_them():
    # The end record says 3 entries; the directory holds 50,000 (about 27 MB in memory).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        for number in range(50_000):
            archive.writestr(zipfile.ZipInfo(f"{number:x}"), b"")
    data = bytearray(buffer.getvalue())
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 3, 3)

    assert "too many parts" in _refusal("agenda.docx", bytes(data))
    assert _peak_memory_checking("agenda.docx", bytes(data)) < 4 * MB


def test_an_entry_packed_with_anything_but_deflate_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODT, compress_type=zipfile.ZIP_BZIP2)
        archive.writestr("content.xml", "<office:document-content/>")

    assert "not a" in _refusal("minutes.odt", buffer.getvalue())


@pytest.mark.django_db
def test_the_uploader_is_told_why_a_bomb_is_refused(client, coordinator, network):
    meeting = factories.make_meeting(network=network)
    client.force_login(coordinator)
    data = _claiming(_ooxml("word/"), "word/document.xml", ALMOST_4_GB)

    page = client.post(
        reverse("meetings:paper_upload", args=[meeting.pk]),
        {"kind": "agenda", "title": "", "visibility": "members",
         "file": SimpleUploadedFile("agenda.docx", data)},
    )  # fmt: skip

    assert page.status_code == 200
    assert not Paper.objects.exists()
    html = page.content.decode()
    assert 'role="alert"' in html
    assert f"agenda.docx would unpack to more than {MAX_UNPACKED_BYTES // MB} MB" in html


def _with_zip64_end(data: bytes, *, entries_said: int) -> bytes:
    """The archive with zip64 end records (which zipfile believes) giving the true
    directory, and an ordinary end record that understates it."""
    end = data.rindex(b"PK\x05\x06")
    entries, size, offset = struct.unpack_from("<HII", data, end + 10)
    zip64_end = struct.pack(
        "<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size, offset
    )
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, end, 1)
    small_end = bytearray(data[end:])
    struct.pack_into("<HHI", small_end, 8, entries_said, entries_said, 100)
    return data[:end] + zip64_end + locator + bytes(small_end)


def test_an_archive_whose_zip64_records_hold_the_truth_is_refused_before_reading_them():
    data = _with_zip64_end(_ooxml("word/", parts=50_000), entries_said=3)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert len(archive.infolist()) == 50_002  # what zipfile would read

    assert "too many parts" in _refusal("agenda.docx", data)
    assert _peak_memory_checking("agenda.docx", data) < 4 * MB
