"""Fee years: the academic year (September to August) or the financial year (April to
March) that maintained schools budget by."""

import datetime

from django.utils import timezone

from core.dates import academic_year_label, academic_year_of


def financial_year_of(day: datetime.date | None = None) -> int:
    """The year the financial year containing the day began (2026 for April 2026 to March
    2027)."""
    day = day or timezone.localdate()
    return day.year if day.month >= 4 else day.year - 1


def fee_year_of(kind: str, day: datetime.date | None = None) -> int:
    return financial_year_of(day) if kind == "financial" else academic_year_of(day)


def fee_year_label(kind: str, start_year: int) -> str:
    """'2026/27' for an academic year, 'April 2026 to March 2027' for a financial one."""
    if kind == "financial":
        return f"April {start_year} to March {start_year + 1}"
    return academic_year_label(start_year)
