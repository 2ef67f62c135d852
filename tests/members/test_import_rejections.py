"""A register row with several problems is rejected once, naming each in column order."""

import pytest

from members.models import School
from members.school_import import import_schools
from tests.members.test_import_schools import school_row, write_register

pytestmark = pytest.mark.django_db


def test_a_row_with_every_kind_of_problem_names_them_all_in_one_rejection(tmp_path):
    row = school_row(
        "12a",
        name="",
        **{
            "LA (code)": "",
            "LA (name)": "",
            "PhaseOfEducation (name)": "Upper",
            "EstablishmentStatus (name)": "Shut",
            "TypeOfEstablishment (name)": "",
        },
    )

    report = import_schools(write_register(tmp_path / "bad.csv", [row]))

    assert [str(rejection) for rejection in report.rejections] == [
        'line 2: URN "12a" is not a number; no establishment name; LA (code) "" is missing; '
        'no LA (name); phase "Upper" is not one the register uses; '
        'status "Shut" is not one the register uses; no type of establishment'
    ]
    assert not School.objects.exists()


def test_out_of_range_and_overlong_values_are_each_named(tmp_path):
    row = school_row(
        2_147_483_648,
        Postcode="OX1 1AA OX2 2BB",
        SchoolWebsite="w" * 300,
        **{"LA (code)": "9311", "LA (name)": "L" * 300},
    )

    report = import_schools(write_register(tmp_path / "bad.csv", [row]))

    assert [str(rejection) for rejection in report.rejections] == [
        'line 2: URN "2147483648" is out of range; '
        'LA (code) "9311" is not a number of up to three digits; '
        "postcode is longer than 10 characters; website is longer than 200 characters; "
        "LA (name) is longer than 100 characters"
    ]
    assert report.summary() == "1 rows: 0 created, 0 updated, 0 unchanged, 0 closed, 1 rejected"
