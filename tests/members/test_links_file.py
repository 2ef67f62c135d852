"""Reading the register's links file (members.gias): pure, no database."""

import datetime
from pathlib import Path

import pytest

from members import gias

LINKS = Path(__file__).resolve().parents[2] / "data" / "gias-links-synthetic.csv"
HEADER = '"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"\r\n'


def links_text(*rows: str) -> str:
    """A links file as the register writes it: quoted strings, bare integers, CRLF."""
    return HEADER + "".join(row + "\r\n" for row in rows)


def test_the_synthetic_file_has_fourteen_conversions_each_read_once_from_both_sides():
    parsed = gias.parse_links(gias.decode(LINKS.read_bytes()))

    assert parsed.rows == 28
    assert parsed.rejections == [] and parsed.ignored == 0
    assert len(parsed.links) == 14
    successions = gias.successions(parsed.links)
    plovercombe = next(item for item in successions if item.predecessor == 127413)
    assert plovercombe.successor == 137234
    assert plovercombe.on == datetime.date(2025, 1, 1)
    assert not plovercombe.is_split


def test_a_windows_1252_name_and_a_dd_mm_yyyy_date_are_read():
    text = links_text('100001,100002,"St Mary\u2019s Academy","Successor","31-08-2024"')

    parsed = gias.parse_links(gias.decode(text.encode("cp1252")))

    [link] = parsed.links
    assert (link.predecessor, link.successor) == (100001, 100002)
    assert link.on == datetime.date(2024, 8, 31)
    assert link.kind == gias.CARRIES


def test_a_predecessor_row_is_the_same_link_seen_from_the_successor():
    parsed = gias.parse_links(
        links_text(
            '100002,100001,"Old School","Predecessor","01-09-2023"',
            '100001,100002,"New Academy","Successor","01-09-2023"',
        )
    )

    [link] = parsed.links
    assert (link.predecessor, link.successor) == (100001, 100002)


@pytest.mark.parametrize(
    "link_type", ["Successor", "Successor - amalgamated", "Successor - merged", "successor  "]
)
def test_successions_that_leave_one_school_carry_it_on(link_type):
    parsed = gias.parse_links(links_text(f'100001,100002,"New","{link_type}","01-09-2023"'))

    [succession] = gias.successions(parsed.links)

    assert not succession.is_split
    assert succession.successor == 100002


def test_a_school_split_in_two_is_a_split_that_carries_nothing():
    parsed = gias.parse_links(
        links_text(
            '100001,100002,"North","Successor - Split School","01-09-2023"',
            '100001,100003,"South","Successor - Split School","01-09-2023"',
            '100003,100001,"Old","Predecessor - Split School","01-09-2023"',
        )
    )

    [succession] = gias.successions(parsed.links)

    assert succession.is_split
    assert succession.successors == (100002, 100003)
    with pytest.raises(ValueError, match="split"):
        _ = succession.successor


def test_two_plain_successors_of_one_school_are_treated_as_a_split():
    parsed = gias.parse_links(
        links_text(
            '100001,100002,"North","Successor","01-09-2023"',
            '100001,100003,"South","Successor","01-09-2023"',
        )
    )

    [succession] = gias.successions(parsed.links)

    assert succession.is_split


def test_links_of_other_kinds_are_counted_and_left_out():
    parsed = gias.parse_links(
        links_text(
            '100001,100002,"Sixth form","Sixth Form Centre Link",""',
            '100001,100003,"Bigger","Merged - expansion of school capacity","01-09-2023"',
            '100001,100004,"Else","Other",""',
        )
    )

    assert parsed.links == [] and parsed.ignored == 3 and parsed.rows == 3


def test_an_empty_date_is_allowed():
    parsed = gias.parse_links(links_text('100001,100002,"New","Successor",""'))

    assert parsed.links[0].on is None


def test_bad_rows_are_rejected_by_line_with_every_reason():
    parsed = gias.parse_links(
        links_text(
            '100001,100002,"Fine","Successor","01-09-2023"',
            '"abc",100002,"Bad URN","Successor","2023-09-01"',
            '100005,100005,"Itself","Successor","01-09-2023"',
            '100006,100007,"Short","Successor"',
        )
    )

    assert len(parsed.links) == 1
    assert parsed.rejections == [
        (3, 'URN "abc" is not a URN; LinkEstablishedDate "2023-09-01" is not a date (dd-mm-yyyy)'),
        (4, "URN 100005 is linked to itself"),
        (5, "4 fields where the header has 5"),
    ]


def test_a_file_that_is_not_a_links_file_is_refused_whole():
    establishments = '"URN","EstablishmentName"\r\n100001,"Larkwell Primary School"\r\n'

    with pytest.raises(gias.RegisterFileError, match="not the register's .GIAS. links file"):
        gias.parse_links(establishments)
