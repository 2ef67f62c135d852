"""England's school terms: default dates by rule, a local authority's own where it has them."""

import datetime

from dateutil.easter import easter
from django.db import transaction

from members.models import LocalAuthority

from .models import AcademicYear, Term

MON, WED, FRI = 0, 2, 4


def _on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _on_or_before(day: datetime.date, weekday: int) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - weekday) % 7)


def _weekday_on_or_after(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _weekday_on_or_before(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def default_term_dates(start_year: int) -> dict[str, tuple]:
    """England's usual pattern: (start, half-term first day, half-term last day, end) per term.

    Autumn from the first weekday on or after 3 September, half term in the last
    full week of October, ending the Friday on or before 20 December; spring from
    the first weekday on or after 5 January, half term the week from the Monday on
    or after 12 February, ending the Friday nine days before Easter; summer from
    the Monday after the two Easter weeks, half term in the spring bank holiday
    week (the last Monday of May), ending the weekday on or before 22 July.
    """
    y1 = start_year + 1
    easter_day = easter(y1)
    october_half = _on_or_before(datetime.date(start_year, 10, 27), MON)
    bank_holiday = _on_or_before(datetime.date(y1, 5, 31), MON)
    february_half = _on_or_after(datetime.date(y1, 2, 12), MON)
    return {
        Term.Kind.AUTUMN: (
            _weekday_on_or_after(datetime.date(start_year, 9, 3)),
            october_half,
            october_half + datetime.timedelta(days=4),
            _on_or_before(datetime.date(start_year, 12, 20), FRI),
        ),
        Term.Kind.SPRING: (
            _weekday_on_or_after(datetime.date(y1, 1, 5)),
            february_half,
            february_half + datetime.timedelta(days=4),
            easter_day - datetime.timedelta(days=9),
        ),
        Term.Kind.SUMMER: (
            easter_day + datetime.timedelta(days=8),
            bank_holiday,
            bank_holiday + datetime.timedelta(days=4),
            _weekday_on_or_before(datetime.date(y1, 7, 22)),
        ),
    }


@transaction.atomic
def ensure_academic_year(start_year: int) -> AcademicYear:
    """The academic year with England's default terms, created if missing; idempotent."""
    year, _ = AcademicYear.objects.get_or_create(start_year=start_year)
    existing = set(year.terms.filter(local_authority=None).values_list("kind", flat=True))
    for kind, (starts, half_starts, half_ends, ends) in default_term_dates(start_year).items():
        if kind not in existing:
            Term.objects.create(
                academic_year=year,
                kind=kind,
                starts_on=starts,
                half_term_starts_on=half_starts,
                half_term_ends_on=half_ends,
                ends_on=ends,
            )
    return year


def terms_for(start_years: list[int], local_authority: LocalAuthority | None = None) -> list[Term]:
    """The terms of those years, a local authority's own dates replacing the defaults."""
    for start_year in start_years:
        ensure_academic_year(start_year)
    terms = Term.objects.filter(academic_year__start_year__in=start_years).select_related(
        "academic_year"
    )
    if local_authority is None:
        terms = terms.filter(local_authority=None)
    else:
        terms = terms.filter(local_authority__in=[local_authority]) | terms.filter(
            local_authority=None
        )
    chosen: dict[tuple[int, str], Term] = {}
    for term in terms:
        key = (term.academic_year.start_year, term.kind)
        if term.local_authority_id or key not in chosen:
            chosen[key] = term
    return sorted(chosen.values(), key=lambda term: term.starts_on)
