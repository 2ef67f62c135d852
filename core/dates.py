"""The school year: 1 September to 31 August."""

import datetime

from django.utils import timezone


def academic_year_of(day: datetime.date | None = None) -> int:
    """The year the academic year containing the day began (2016 for 2016/17)."""
    day = day or timezone.localdate()
    return day.year if day.month >= 9 else day.year - 1


def academic_year_label(start_year: int) -> str:
    """'2016/17' for 2016."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def iso(value: datetime.date | datetime.datetime | None) -> str | None:
    """ISO 8601 text for a date or time, None for none (for data downloads)."""
    return value.isoformat() if value else None


def short_date(value: datetime.datetime) -> str:
    """'3 Mar 2024' in local time, as the template filter date:"j M Y" writes it in English:
    a list writes one a row, and the filter took a fifth of a row's time."""
    value = timezone.localtime(value)
    return f"{value.day} {value:%b} {value.year}"
