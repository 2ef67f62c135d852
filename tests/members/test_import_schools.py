import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import gias
from members.models import LocalAuthority, School
from members.school_import import import_schools

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "data"
SYNTHETIC = DATA / "gias-synthetic-oxon-oldham-essex.csv"
SAMPLE = DATA / "gias-sample.csv"

# Just the columns the import reads, in the register's order.
COLUMNS = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "Town",
    "Postcode",
    "SchoolWebsite",
    "TelephoneNum",
]


def school_row(urn: int | str, name: str = "Larkwell Primary School", **changes: str) -> list:
    """A register row for COLUMNS: an open community primary school in Oxfordshire."""
    row = {
        "URN": urn,
        "LA (code)": "931",
        "LA (name)": "Oxfordshire",
        "EstablishmentName": name,
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentTypeGroup (name)": "Local authority maintained schools",
        "EstablishmentStatus (name)": "Open",
        "PhaseOfEducation (name)": "Primary",
        "Town": "Larkwell",
        "Postcode": "ox9 9zz",
        "SchoolWebsite": "www.larkwell.example",
        "TelephoneNum": "01865496000",
    } | changes
    return [row[column] for column in COLUMNS]


def write_register(
    path: Path, rows: list[list], *, columns: list[str] = COLUMNS, encoding: str = "cp1252"
) -> Path:
    """A file in the register's own format: every field quoted except bare integers, CRLF."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    """Run the command; its stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_schools", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> list[tuple]:
    """Every school and local authority as stored, to show that nothing changed."""
    return list(School.objects.order_by("urn").values_list()) + list(
        LocalAuthority.objects.order_by("code").values_list()
    )


def edit_row(data: bytes, urn: int, old: bytes, new: bytes) -> bytes:
    """The register file's bytes with one value changed in the row for the URN."""
    lines = data.split(b"\r\n")
    for index, line in enumerate(lines):
        if line.startswith(b"%d," % urn):
            assert old in line
            lines[index] = line.replace(old, new, 1)
            return b"\r\n".join(lines)
    raise AssertionError(f"no row for URN {urn}")


# The synthetic register file (Windows-1252, the live download's exact format).


def test_synthetic_register_imports_every_school_and_its_local_authority():
    out, err = run(SYNTHETIC)

    assert "600 rows: 556 created, 0 updated, 0 unchanged, 44 closed, 0 rejected" in out
    assert "local authorities: 3 created, 0 renamed" in out
    assert err == ""
    assert School.objects.count() == 600
    assert School.objects.filter(status=School.Status.CLOSED).count() == 44
    assert dict(LocalAuthority.objects.values_list("code", "name")) == {
        "931": "Oxfordshire",
        "353": "Oldham",
        "881": "Essex",
    }
    assert School.objects.filter(local_authority__code="881").count() == 375


def test_synthetic_register_values_are_normalised_and_sectors_come_from_type():
    run(SYNTHETIC)

    nursery = School.objects.get(urn=100000)
    assert nursery.name == "Cressbury Nursery School"
    assert nursery.local_authority.name == "Oldham"
    assert nursery.phase == School.Phase.NURSERY
    assert nursery.sector == School.Sector.NURSERY
    assert nursery.type_name == "Local authority nursery school"
    assert (nursery.town, nursery.postcode) == ("Cressbury", "OL7 4WW")
    assert nursery.website == "http://www.cressbury-nursery.example/"
    assert nursery.phone == "01614960397"
    assert nursery.state_funded
    # Pupil referral units have phase "Not applicable": the type gives the sector.
    pru = School.objects.get(urn=100346)
    assert (pru.phase, pru.sector) == (
        School.Phase.NOT_APPLICABLE,
        School.Sector.ALTERNATIVE_PROVISION,
    )
    # 27 special schools and 11 PRUs or alternative provision academies in the file.
    assert School.objects.filter(sector=School.Sector.SPECIAL).count() == 27
    assert School.objects.filter(sector=School.Sector.ALTERNATIVE_PROVISION).count() == 11
    assert not School.objects.filter(sector=School.Sector.OTHER).exists()


def test_windows_1252_curly_apostrophe_in_the_register_survives():
    run(SYNTHETIC)

    assert School.objects.get(urn=105574).name == "St John\u2019s Catholic Primary School, Yeldford"
    assert School.objects.filter(name__contains="\u2019").count() == 18


# The 2021 sample: an older layout with 139 columns in another order.


def test_older_layout_imports_by_column_name():
    out, err = run(SAMPLE)

    assert "99 rows: 90 created, 0 updated, 0 unchanged, 9 closed, 0 rejected" in out
    assert "local authorities: 20 created, 0 renamed" in out
    assert err == ""
    school = School.objects.get(urn=100000)
    assert (school.name, school.local_authority.code) == ("The Aldgate School", "201")
    assert school.local_authority.name == "City of London"
    assert (school.phase, school.sector) == (School.Phase.PRIMARY, School.Sector.PRIMARY)
    assert school.website == "www.sirjohncassprimary.org"
    assert School.objects.get(urn=100007).sector == School.Sector.ALTERNATIVE_PROVISION


def test_welsh_and_independent_establishments_are_not_state_funded():
    run(SAMPLE)

    welsh = School.objects.filter(type_name="Welsh establishment")
    assert welsh.count() == 51
    assert set(welsh.values_list("sector", "state_funded")) == {(School.Sector.OTHER, False)}
    independent = School.objects.get(urn=100001)
    assert independent.name == "City of London School for Girls"
    assert not independent.state_funded
    assert School.objects.filter(state_funded=True).count() == 99 - 51 - 3


# Running again, later files.


def test_rerunning_the_same_file_changes_nothing():
    run(SYNTHETIC)
    before = dict(School.objects.values_list("urn", "updated_at"))

    with CaptureQueriesContext(connection) as queries:
        out, _ = run(SYNTHETIC)

    assert "600 rows: 0 created, 0 updated, 600 unchanged, 0 closed, 0 rejected" in out
    assert dict(School.objects.values_list("urn", "updated_at")) == before
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_later_file_updates_exactly_the_renamed_and_the_closed_school(tmp_path):
    run(SYNTHETIC)
    before = dict(School.objects.values_list("urn", "updated_at"))
    data = SYNTHETIC.read_bytes()
    data = edit_row(
        data,
        100000,
        b'"Cressbury Nursery School"',
        b'"Cressbury Nursery School and Children\x92s Centre"',
    )
    data = edit_row(data, 100007, b'"1","Open"', b'"2","Closed"')
    later = tmp_path / "later.csv"
    later.write_bytes(data)

    out, _ = run(later)

    assert "600 rows: 0 created, 1 updated, 598 unchanged, 1 closed, 0 rejected" in out
    assert (
        School.objects.get(urn=100000).name == "Cressbury Nursery School and Children\u2019s Centre"
    )
    assert School.objects.get(urn=100007).status == School.Status.CLOSED
    after = dict(School.objects.values_list("urn", "updated_at"))
    assert {urn for urn in after if after[urn] != before[urn]} == {100000, 100007}


def test_school_missing_from_a_later_file_is_kept(tmp_path):
    run(SYNTHETIC)
    first_hundred = b"\r\n".join(SYNTHETIC.read_bytes().split(b"\r\n")[:101]) + b"\r\n"
    shorter = tmp_path / "shorter.csv"
    shorter.write_bytes(first_hundred)
    last = School.objects.get(urn=152291)

    out, _ = run(shorter)

    assert "100 rows: 0 created, 0 updated, 100 unchanged, 0 closed, 0 rejected" in out
    assert School.objects.count() == 600
    kept = School.objects.get(urn=152291)
    assert (kept.name, kept.status, kept.updated_at) == (last.name, last.status, last.updated_at)


def test_renamed_local_authority_is_renamed_and_keeps_its_schools(tmp_path):
    run(write_register(tmp_path / "first.csv", [school_row(1), school_row(2)]))
    la = LocalAuthority.objects.get(code="931")

    out, _ = run(
        write_register(
            tmp_path / "renamed.csv", [school_row(1, **{"LA (name)": "Oxfordshire County"})]
        )
    )

    assert "local authorities: 0 created, 1 renamed" in out
    assert "1 rows: 0 created, 0 updated, 1 unchanged" in out
    la.refresh_from_db()
    assert la.name == "Oxfordshire County"
    assert la.schools.count() == 2


# Bad rows and bad files.


def test_bad_rows_are_named_by_line_and_skipped_while_good_rows_import(tmp_path):
    rows = [
        school_row(700001),  # line 2
        school_row("12a"),  # line 3
        school_row(700003, name=" "),  # line 4
        school_row(700004, **{"LA (code)": ""}),  # line 5
        school_row(700005, **{"PhaseOfEducation (name)": "Upper"}),  # line 6
        school_row(700001, name="Another Larkwell School"),  # line 7
        # A quoted line break takes lines 8 and 9.
        school_row(700007, name="Two-line Primary School", Town="Little\r\nLarkwell"),
        school_row(700008, **{"EstablishmentStatus (name)": "Shut"}),  # line 10
        [700009, "931"],  # line 11
        school_row(700010, Postcode="OX1 1AA OX2 2BB"),  # line 12
        school_row(700011),  # line 13
    ]
    path = write_register(tmp_path / "bad.csv", rows)

    out, err = run(path)

    assert err.splitlines() == [
        'line 3: URN "12a" is not a number',
        "line 4: no establishment name",
        'line 5: LA (code) "" is missing',
        'line 6: phase "Upper" is not one the register uses',
        "line 7: URN 700001 is already on line 2",
        'line 10: status "Shut" is not one the register uses',
        "line 11: 2 fields where the header has 12",
        "line 12: postcode is longer than 10 characters",
    ]
    assert "11 rows: 3 created, 0 updated, 0 unchanged, 0 closed, 8 rejected" in out
    assert sorted(School.objects.values_list("urn", flat=True)) == [700001, 700007, 700011]
    assert School.objects.get(urn=700001).name == "Larkwell Primary School"
    assert School.objects.get(urn=700007).town == "Little\r\nLarkwell"


def test_missing_required_column_is_one_clear_error_and_changes_nothing(tmp_path):
    columns = [column for column in COLUMNS if column != "LA (code)"]
    rows = [row[:1] + row[2:] for row in (school_row(1), school_row(2))]
    path = write_register(tmp_path / "wrong.csv", rows, columns=columns)

    with pytest.raises(CommandError, match=r'no "LA \(code\)" column'):
        run(path)

    assert not School.objects.exists()
    assert not LocalAuthority.objects.exists()


def test_every_missing_required_column_is_named(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Name,Town\r\nLarkwell Primary School,Larkwell\r\n")

    with pytest.raises(CommandError) as raised:
        run(path)

    message = str(raised.value)
    for column in gias.REQUIRED_COLUMNS:
        assert f'"{column}"' in message
    assert "Nothing was imported" in message


def test_undecodable_bytes_are_one_clear_error_and_change_nothing(tmp_path):
    run(SYNTHETIC)
    before = snapshot()
    # 0x81 is neither UTF-8 here nor any character in Windows-1252.
    data = edit_row(SYNTHETIC.read_bytes(), 100000, b"Cressbury Nursery", b"Cressbury \x81Nursery")
    path = tmp_path / "garbled.csv"
    path.write_bytes(data)

    with pytest.raises(CommandError, match="not a CSV in the register's encoding.*byte 0x81"):
        run(path)

    assert snapshot() == before


def test_file_with_only_a_header_imports_nothing(tmp_path):
    out, err = run(write_register(tmp_path / "header.csv", []))

    assert "0 rows: 0 created, 0 updated, 0 unchanged, 0 closed, 0 rejected" in out
    assert err == ""
    assert not LocalAuthority.objects.exists()


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(CommandError, match="The file is empty"):
        run(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*absent.csv: No such file"):
        run(tmp_path / "absent.csv")


# Dry run.


def test_dry_run_reports_the_counts_and_saves_nothing():
    out, err = run(SYNTHETIC, "--dry-run")

    assert "600 rows: 556 created, 0 updated, 0 unchanged, 44 closed, 0 rejected" in out
    assert "dry run: nothing was saved" in out
    assert err == ""
    assert not School.objects.exists()
    assert not LocalAuthority.objects.exists()


def test_dry_run_of_a_later_file_leaves_the_earlier_import_as_it_was(tmp_path):
    run(SYNTHETIC)
    before = snapshot()
    later = tmp_path / "later.csv"
    later.write_bytes(edit_row(SYNTHETIC.read_bytes(), 100007, b'"1","Open"', b'"2","Closed"'))

    out, _ = run(later, "--dry-run")

    assert "0 created, 0 updated, 599 unchanged, 1 closed" in out
    assert snapshot() == before


# Encodings.


def test_windows_1252_names_are_stored_as_unicode(tmp_path):
    names = ["St Mary\u2019s Church of England School", "\u00c9cole Fran\u00e7aise de Larkwell"]
    path = write_register(
        tmp_path / "cp1252.csv", [school_row(1, names[0]), school_row(2, names[1])]
    )
    assert b"Mary\x92s" in path.read_bytes()
    assert b"\xc9cole" in path.read_bytes()

    run(path)

    assert list(School.objects.order_by("urn").values_list("name", flat=True)) == names


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_files_with_or_without_byte_order_mark_import_the_same_names(tmp_path, encoding):
    names = ["St Mary\u2019s Church of England School", "Ysgol Gynradd Ynys M\u00f4n"]
    path = write_register(
        tmp_path / "utf8.csv",
        [school_row(1, names[0]), school_row(2, names[1])],
        encoding=encoding,
    )

    out, _ = run(path)

    assert "2 rows: 2 created" in out
    assert list(School.objects.order_by("urn").values_list("name", flat=True)) == names
    assert School.objects.get(urn=1).postcode == "OX9 9ZZ"


def test_file_with_only_the_required_columns_imports(tmp_path):
    columns = list(gias.REQUIRED_COLUMNS)
    row = dict(zip(COLUMNS, school_row(5), strict=True))
    path = write_register(
        tmp_path / "few.csv", [[row[column] for column in columns]], columns=columns
    )

    out, _ = run(path)

    assert "1 rows: 1 created" in out
    school = School.objects.get(urn=5)
    assert (school.town, school.postcode, school.website, school.phone) == ("", "", "", "")


def test_missing_optional_column_leaves_that_field_alone(tmp_path):
    run(write_register(tmp_path / "full.csv", [school_row(5)]))
    columns = [column for column in COLUMNS if column != "TelephoneNum"]
    path = write_register(tmp_path / "no-phone.csv", [school_row(5)[:-1]], columns=columns)

    out, _ = run(path)

    assert "1 unchanged" in out
    assert School.objects.get(urn=5).phone == "01865496000"


# Sector and funding rules.


@pytest.mark.parametrize(
    ("phase", "type_name", "sector"),
    [
        (School.Phase.NOT_APPLICABLE, "Community special school", School.Sector.SPECIAL),
        (School.Phase.PRIMARY, "Free schools special", School.Sector.SPECIAL),
        (School.Phase.NOT_APPLICABLE, "Non-maintained special school", School.Sector.SPECIAL),
        (School.Phase.NOT_APPLICABLE, "Special post 16 institution", School.Sector.SPECIAL),
        (School.Phase.NOT_APPLICABLE, "Pupil referral unit", School.Sector.ALTERNATIVE_PROVISION),
        (
            School.Phase.NOT_APPLICABLE,
            "Academy alternative provision converter",
            School.Sector.ALTERNATIVE_PROVISION,
        ),
        (School.Phase.PRIMARY, "Academy converter", School.Sector.PRIMARY),
        (School.Phase.MIDDLE_PRIMARY, "Community school", School.Sector.PRIMARY),
        (School.Phase.MIDDLE_SECONDARY, "Foundation school", School.Sector.SECONDARY),
        (School.Phase.NURSERY, "Local authority nursery school", School.Sector.NURSERY),
        (School.Phase.ALL_THROUGH, "Academy sponsor led", School.Sector.ALL_THROUGH),
        (School.Phase.SIXTEEN_PLUS, "Academy 16-19 converter", School.Sector.SIXTEEN_PLUS),
        (School.Phase.NOT_APPLICABLE, "Further education", School.Sector.SIXTEEN_PLUS),
        (School.Phase.NOT_APPLICABLE, "Sixth form centres", School.Sector.SIXTEEN_PLUS),
        (School.Phase.NOT_APPLICABLE, "Welsh establishment", School.Sector.OTHER),
        (School.Phase.NOT_APPLICABLE, "Other independent school", School.Sector.OTHER),
    ],
)
def test_sector_comes_from_type_first_then_phase(phase, type_name, sector):
    assert gias.sector_for(phase, type_name) == sector


@pytest.mark.parametrize(
    ("type_name", "type_group_name", "state_funded"),
    [
        ("Community school", "Local authority maintained schools", True),
        ("Academy converter", "Academies", True),
        ("Academy converter", None, True),
        ("Other independent school", "Independent schools", False),
        ("Other independent special school", None, False),
        ("Welsh establishment", "Welsh schools", False),
        ("British schools overseas", "Other types", False),
    ],
)
def test_state_funded_excludes_independent_and_non_english_establishments(
    type_name, type_group_name, state_funded
):
    assert gias.state_funded_for(type_name, type_group_name) is state_funded


def test_every_register_status_maps_to_one_of_ours():
    assert gias.STATUSES["Open, but proposed to close"] == School.Status.OPEN
    assert gias.STATUSES["Proposed to open"] == School.Status.PROPOSED
    assert set(gias.PHASES.values()) == set(School.Phase)


# Speed: queries do not grow with rows.


def test_import_makes_a_handful_of_queries_for_600_rows(django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        run(SYNTHETIC)
    assert School.objects.count() == 600


def test_query_count_does_not_grow_with_rows(tmp_path):
    fifty = tmp_path / "fifty.csv"
    fifty.write_bytes(b"\r\n".join(SYNTHETIC.read_bytes().split(b"\r\n")[:51]) + b"\r\n")

    with CaptureQueriesContext(connection) as small:
        run(fifty, "--dry-run")
    with CaptureQueriesContext(connection) as large:
        run(SYNTHETIC, "--dry-run")

    assert abs(len(large) - len(small)) <= 2


def test_batches_split_the_work_and_count_the_same():
    report = import_schools(SYNTHETIC, batch_size=7)

    assert (report.created, report.closed, report.rejected) == (556, 44, 0)
    assert School.objects.count() == 600


def test_updated_at_moves_only_for_changed_rows(tmp_path):
    run(write_register(tmp_path / "first.csv", [school_row(1), school_row(2)]))
    School.objects.update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))

    run(
        write_register(
            tmp_path / "second.csv", [school_row(1, Town="Larkwell Magna"), school_row(2)]
        )
    )

    stamps = dict(School.objects.values_list("urn", "updated_at__year"))
    assert stamps[2] == 2020
    assert stamps[1] > 2020
