"""Reading a member spreadsheet (office.spreadsheets): the encodings and separators people's
software writes, Excel workbooks, the guess of what each column holds, and hostile files,
each refused with a message that says what to do."""

import codecs

import pytest
from django.core.exceptions import ValidationError

from office import spreadsheets
from tests.office.spreadsheet_files import (
    HEADERS,
    csv_bytes,
    many_parts_xlsx,
    xlsx_bytes,
    zip_bomb_xlsx,
)

ROWS = [
    HEADERS,
    [
        "Siân O’Brien",
        "sian@school.example",
        "St Mary’s CE Primary",
        "",
        "Banbury",
        "OX16 1AA",
        "Head",
    ],
    ["José Núñez", "jose@school.example", "Cherwell School", "123456", "Oxford", "", "Deputy"],
]


def _refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        spreadsheets.read_upload(name, data)
    return " ".join(refused.value.messages)


@pytest.mark.parametrize(
    ("encoding", "bom", "named"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", codecs.BOM_UTF8, "UTF-8"),  # Excel's "CSV UTF-8"
        ("cp1252", b"", "Windows-1252"),  # Excel's "CSV" on Windows
        ("utf-16", b"", "UTF-16"),  # "Unicode text"; Python writes its byte-order mark
    ],
)
def test_names_with_accents_and_curly_apostrophes_read_right_whatever_the_encoding(
    encoding, bom, named
):
    table = spreadsheets.read_upload("members.csv", bom + csv_bytes(ROWS, encoding=encoding))

    assert table.headers == HEADERS
    assert table.rows[0][:3] == ["Siân O’Brien", "sian@school.example", "St Mary’s CE Primary"]
    assert table.rows[1][0] == "José Núñez"
    assert table.lines == [2, 3]
    assert table.description.startswith(f"CSV, {named},")


@pytest.mark.parametrize(
    ("separator", "named"), [(",", "commas"), (";", "semicolons"), ("\t", "tabs")]
)
def test_commas_semicolons_and_tabs_each_separate_the_columns(separator, named):
    table = spreadsheets.read_upload("members.csv", csv_bytes(ROWS, separator=separator))

    assert table.headers == HEADERS
    assert table.rows[1][3] == "123456"
    assert table.description.endswith(f"columns separated by {named}")


def test_pasted_rows_from_a_spreadsheet_are_tab_separated_and_read_the_same():
    pasted = "\n".join("\t".join(row) for row in ROWS)

    table = spreadsheets.read_text(pasted)

    assert table.headers == HEADERS
    assert table.rows[0][0] == "Siân O’Brien"


def test_a_single_column_with_no_separator_is_still_read():
    table = spreadsheets.read_text("Email\nann@school.example\nbob@school.example\n")

    assert table.headers == ["Email"]
    assert table.rows == [["ann@school.example"], ["bob@school.example"]]


def test_blank_rows_are_skipped_and_spreadsheet_row_numbers_kept():
    data = csv_bytes([HEADERS, [""] * 7, ROWS[1], [], ROWS[2]])

    table = spreadsheets.read_upload("members.csv", data)

    assert len(table.rows) == 2
    assert table.lines == [3, 5]  # as the spreadsheet numbers them


def test_an_excel_workbook_is_read_from_its_first_sheet_as_text():
    data = xlsx_bytes([HEADERS, ["Ann Smith", "ann@school.example", "Cherwell", 123456, "", None]])

    table = spreadsheets.read_upload("members.xlsx", data)

    assert table.headers == HEADERS
    # A number is text without ".0" (a URN), an empty cell is "".
    assert table.rows == [["Ann Smith", "ann@school.example", "Cherwell", "123456", "", "", ""]]
    assert table.description == "Excel workbook, first sheet"


def test_a_workbook_formula_is_never_run_and_text_that_looks_like_one_stays_text():
    data = xlsx_bytes(
        [HEADERS, ["=cmd|' /C calc'!A0", "ann@school.example"], ["=1+1", "bob@school.example"]],
        as_text={(2, 0)},
    )

    table = spreadsheets.read_upload("members.xlsx", data)

    # A formula with no value Excel saved reads as empty: nothing computes it here.
    assert table.rows[0][0] == ""
    # Text that starts with "=" is kept as text, and shown back neutralised.
    assert table.rows[1][0] == "=1+1"
    assert spreadsheets.shown("=1+1") == "'=1+1"


def test_a_csv_formula_is_kept_as_text():
    table = spreadsheets.read_text("Name,Email\n\"=cmd|' /C calc'!A0\",ann@school.example\n")

    assert table.rows[0][0] == "=cmd|' /C calc'!A0"
    assert spreadsheets.shown(table.rows[0][0]) == "'=cmd|' /C calc'!A0"


# Hostile files ----------------------------------------------------------------


def test_a_binary_file_named_csv_is_refused_for_what_it_is():
    assert "it is an Excel workbook" in _refusal("members.csv", xlsx_bytes([HEADERS]))
    assert "it is a PDF" in _refusal("members.csv", b"%PDF-1.7\n\x00\x01binary")
    assert "it is a picture" in _refusal("members.csv", b"\x89PNG\r\n\x1a\n\x00\x00")
    message = _refusal("members.csv", b"Name,Email\n\x00\x01\x02\x03\x04garbage\x00\x00")
    assert "is not a text file" in message
    assert 'Save it from your spreadsheet as "CSV UTF-8"' in message


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Name,Email\nAnn Smith,ann@school.example\n", "cp500"),  # a mainframe's EBCDIC
        ("名前,メール\n山田太郎,taro@school.example\n", "shift_jis"),
        ("Имя,Почта\nИван Петров,ivan@school.example\n", "koi8_r"),
    ],
)
def test_text_in_an_encoding_headnet_cannot_tell_is_refused_rather_than_garbled(text, encoding):
    message = _refusal("members.csv", text.encode(encoding))

    assert "Headnet cannot tell how the text of members.csv is written" in message
    assert 'Save it from your spreadsheet as "CSV UTF-8"' in message


def test_fifty_thousand_rows_are_refused_with_how_many_and_what_to_do():
    rows = [HEADERS] + [
        [f"P{n}", f"p{n}@school.example", "", "", "", "", ""] for n in range(50_000)
    ]

    message = _refusal("members.csv", csv_bytes(rows))

    assert "members.csv has 50,000 rows; Headnet brings in at most 5,000 at a time" in message
    assert "Split it into files of fewer rows" in message


def test_a_huge_workbook_is_read_only_up_to_the_first_row_too_many(settings):
    settings.IMPORT_MAX_ROWS = 20
    rows = [HEADERS] + [[f"P{n}", f"p{n}@school.example"] for n in range(500)]

    message = _refusal("members.xlsx", xlsx_bytes(rows))

    assert "members.xlsx has more than 20 rows" in message


def test_a_workbook_that_unpacks_to_far_more_than_a_member_list_is_refused_unopened():
    message = _refusal("members.xlsx", zip_bomb_xlsx(unpacked_mb=60))

    assert "would unpack to far more than a member list does" in message


def test_a_workbook_of_too_many_parts_is_refused_from_its_directory():
    message = _refusal("members.xlsx", many_parts_xlsx(1_500))

    assert "would unpack to far more than a member list does" in message


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused():
    assert "is not an Excel workbook" in _refusal("members.xlsx", b"Name,Email\nann,ann@x\n")
    assert "cannot be read as an Excel workbook" in _refusal("members.xlsx", many_parts_xlsx(3))


def test_old_excel_and_other_formats_are_refused_with_what_to_save_instead():
    message = _refusal("members.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")

    assert "Headnet cannot read .xls files" in message
    assert "Excel workbook (.xlsx)" in message


def test_a_file_too_large_or_empty_is_refused():
    assert "is larger than 5 MB" in _refusal("members.csv", b"a" * (5 * 1024 * 1024 + 1))
    assert "is empty" in _refusal("members.csv", b"  \r\n")


def test_a_header_with_no_rows_under_it_is_refused():
    assert "has no members' rows" in _refusal("members.csv", csv_bytes([HEADERS]))


def test_a_cell_longer_than_any_name_or_address_is_refused():
    rows = [HEADERS, ["A" * 600, "ann@school.example"]]

    message = _refusal("members.csv", csv_bytes(rows))

    assert "line 2, column Name: the cell holds more than 500 characters" in message


def test_more_columns_than_a_member_list_has_are_refused():
    rows = [[f"Column {n}" for n in range(80)], ["x"] * 80]

    assert "has more than 60 columns" in _refusal("members.csv", csv_bytes(rows))


# Guessing the columns ---------------------------------------------------------


def test_the_columns_are_guessed_from_the_words_people_head_them_with():
    headers = ["Head teacher", "E-mail address", "School name", "URN", "Area", "Post code", "Role"]

    assert spreadsheets.guess_columns(headers) == {
        "name": 0,
        "email": 1,
        "school": 2,
        "urn": 3,
        "postcode": 5,
        "role": 6,
    }


def test_first_and_last_names_win_over_a_whole_name_and_each_column_is_used_once():
    headers = ["Surname", "First name", "Name of school", "Headteacher email", "Town or city"]

    assert spreadsheets.guess_columns(headers) == {
        "first_name": 1,
        "last_name": 0,
        "email": 3,
        "school": 2,
        "town": 4,
    }


def test_headings_that_say_nothing_are_left_for_the_administrator():
    assert spreadsheets.guess_columns(["Column A", "Notes", "Phone"]) == {}
