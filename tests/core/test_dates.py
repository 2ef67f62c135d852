"""The academic year: 1 September to 31 August, by the date in London."""

import datetime
from unittest import mock

import pytest

from core.dates import academic_year_label, academic_year_of


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2026, 8, 31), 2025),
        (datetime.date(2026, 9, 1), 2026),
        (datetime.date(2027, 1, 1), 2026),
        (datetime.date(2026, 12, 31), 2026),
    ],
)
def test_the_academic_year_starts_on_1_september(day, year):
    assert academic_year_of(day) == year


@pytest.mark.parametrize(
    ("year", "label"), [(2016, "2016/17"), (2009, "2009/10"), (2099, "2099/00")]
)
def test_an_academic_year_is_labelled_with_both_calendar_years(year, label):
    assert academic_year_label(year) == label


@pytest.mark.parametrize(
    ("now", "year"),
    [
        # 23:59 on 31 August in London (BST, UTC+1): still last year.
        (datetime.datetime(2026, 8, 31, 22, 59, tzinfo=datetime.UTC), 2025),
        # 00:30 on 1 September in London, though still 31 August in UTC.
        (datetime.datetime(2026, 8, 31, 23, 30, tzinfo=datetime.UTC), 2026),
    ],
)
def test_today_is_the_date_in_london_not_in_utc(now, year):
    with mock.patch("django.utils.timezone.now", return_value=now):
        assert academic_year_of() == year
