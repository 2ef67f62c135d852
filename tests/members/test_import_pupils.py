"""The register's NumberOfPupils is kept, for fees banded by school size."""

import pytest

from members.models import School
from members.school_import import import_schools

from .test_import_schools import COLUMNS, school_row, write_register

pytestmark = pytest.mark.django_db

WITH_PUPILS = [*COLUMNS, "NumberOfPupils"]


def test_the_import_keeps_pupil_numbers_and_names_a_bad_one(tmp_path):
    path = write_register(
        tmp_path / "register.csv",
        [[*school_row(100001), "1,2"], [*school_row(100002), "845"], [*school_row(100003), ""]],
        columns=WITH_PUPILS,
    )

    report = import_schools(path)

    assert dict(School.objects.values_list("urn", "number_of_pupils")) == {
        100002: 845,
        100003: None,
    }
    assert [rejection.line for rejection in report.rejections] == [2]
    assert "NumberOfPupils" in report.rejections[0].reason


def test_a_register_without_the_column_leaves_pupil_numbers_alone(tmp_path):
    write_register(tmp_path / "a.csv", [[*school_row(100001), "845"]], columns=WITH_PUPILS)
    import_schools(tmp_path / "a.csv")
    import_schools(write_register(tmp_path / "b.csv", [school_row(100001)]))

    assert School.objects.get().number_of_pupils == 845
