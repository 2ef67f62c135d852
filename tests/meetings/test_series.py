"""Series rules: dates for each rule, holidays skipped, LA terms, clock changes, edits."""

import datetime

import pytest

from meetings import services
from meetings.models import LONDON, Meeting, Term
from meetings.series import SeriesSpec, meeting_dates, occurrences
from meetings.terms import default_term_dates, ensure_academic_year, terms_for
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
T = datetime.time
UTC = datetime.UTC


def _spec(rule, first, **options):
    return SeriesSpec(rule=rule, first_date=first, start_time=T(16), end_time=T(17, 30), **options)


@pytest.fixture
def terms_2025():
    return terms_for([2025])


def test_default_terms_follow_englands_pattern():
    dates = default_term_dates(2025)
    assert dates[Term.Kind.AUTUMN] == (
        D(2025, 9, 3),
        D(2025, 10, 27),
        D(2025, 10, 31),
        D(2025, 12, 19),
    )
    assert dates[Term.Kind.SPRING][1:3] == (D(2026, 2, 16), D(2026, 2, 20))
    assert dates[Term.Kind.SUMMER][1] == D(2026, 5, 25)  # spring bank holiday week


def test_ensure_academic_year_is_idempotent():
    ensure_academic_year(2030)
    ensure_academic_year(2030)
    assert Term.objects.filter(academic_year__start_year=2030).count() == 3


def test_every_second_thursday_skips_half_term_and_christmas(terms_2025):
    dates = meeting_dates(
        _spec("weekly", D(2025, 9, 4), interval=2, until=D(2026, 1, 31)), terms_2025
    )
    assert all(day.weekday() == 3 for day in dates)
    assert D(2025, 10, 30) not in dates  # half term
    assert D(2025, 12, 25) not in dates  # Christmas holidays
    assert dates[:3] == [D(2025, 9, 4), D(2025, 9, 18), D(2025, 10, 2)]
    assert D(2026, 1, 8) in dates


def test_weekly_without_skipping_keeps_holidays(terms_2025):
    dates = meeting_dates(
        _spec("weekly", D(2025, 10, 20), until=D(2025, 11, 10), skip_holidays=False), terms_2025
    )
    assert dates == [D(2025, 10, 20), D(2025, 10, 27), D(2025, 11, 3), D(2025, 11, 10)]


def test_monthly_on_the_second_tuesday(terms_2025):
    dates = meeting_dates(_spec("monthly", D(2025, 9, 9), nth=2, until=D(2025, 12, 31)), terms_2025)
    assert dates == [D(2025, 9, 9), D(2025, 10, 14), D(2025, 11, 11), D(2025, 12, 9)]


def test_monthly_on_the_last_friday_skips_holidays(terms_2025):
    dates = meeting_dates(
        _spec("monthly", D(2025, 9, 26), nth=-1, until=D(2025, 12, 31)), terms_2025
    )
    # 31 October is half term and 26 December the Christmas holidays.
    assert dates == [D(2025, 9, 26), D(2025, 11, 28)]


def test_once_each_half_term_gives_six_meetings_in_term_time(terms_2025):
    dates = meeting_dates(_spec("half_termly", D(2025, 9, 3), nth=3), terms_2025)
    assert len(dates) == 6
    assert all(day.weekday() == 2 for day in dates)
    halves = [half for term in terms_2025 for half in term.halves]
    for day, (first, last) in zip(dates, halves, strict=True):
        assert first <= day <= last


def test_n_times_a_year_spreads_over_the_terms(terms_2025):
    two = meeting_dates(_spec("times_a_year", D(2025, 9, 3), per_year=2), terms_2025)
    three = meeting_dates(_spec("times_a_year", D(2025, 9, 3), per_year=3), terms_2025)
    assert [day.month for day in two] == [9, 2]
    assert len(three) == 3
    kinds = [next(t.kind for t in terms_2025 if t.starts_on <= d <= t.ends_on) for d in three]
    assert kinds == ["autumn", "spring", "summer"]


def test_a_local_authoritys_own_term_dates_replace_the_defaults():
    oldham = factories.make_la(code="353", name="Oldham")
    year = ensure_academic_year(2025)
    Term.objects.create(
        academic_year=year, local_authority=oldham, kind=Term.Kind.AUTUMN,
        starts_on=D(2025, 9, 2), half_term_starts_on=D(2025, 10, 20),
        half_term_ends_on=D(2025, 10, 24), ends_on=D(2025, 12, 19),
    )  # fmt: skip
    spec = _spec("weekly", D(2025, 10, 20), until=D(2025, 10, 31))
    assert meeting_dates(spec, terms_for([2025], oldham)) == [D(2025, 10, 27)]
    assert meeting_dates(spec, terms_for([2025])) == [D(2025, 10, 20)]


def test_wall_clock_time_is_kept_across_the_october_clock_change(terms_2025):
    found = occurrences(_spec("weekly", D(2025, 10, 23), until=D(2025, 11, 6)), terms_2025)
    assert [item["starts_at"].astimezone(LONDON).hour for item in found] == [16, 16]
    utc_hours = [item["starts_at"].astimezone(UTC).hour for item in found]
    assert utc_hours == [15, 16]  # BST before 26 October, GMT after


def test_venue_rotates_through_the_schools(terms_2025):
    schools = [factories.make_school(name=f"Special {n}") for n in range(3)]
    found = occurrences(_spec("half_termly", D(2025, 9, 3), venues=schools), terms_2025)
    assert [item["venue_school"] for item in found] == schools * 2


def _series(network, **fields):
    spec = _spec("weekly", D(2026, 3, 12), until=D(2026, 4, 30), skip_holidays=False)
    return services.create_series(
        network=network, by=None, spec=spec, title="Thursday call",
        format=Meeting.Format.ONLINE, online_url="https://meet.example/x", **fields,
    )  # fmt: skip


def test_create_series_makes_drafts_across_the_march_clock_change(network):
    meetings = _series(network)
    assert len(meetings) == 8
    assert {meeting.state for meeting in meetings} == {Meeting.State.DRAFT}
    assert len({meeting.series_id for meeting in meetings}) == 1
    assert {meeting.local_start.hour for meeting in meetings} == {16}
    assert meetings[0].starts_at.astimezone(UTC).hour == 16  # GMT on 12 March
    assert meetings[-1].starts_at.astimezone(UTC).hour == 15  # BST after 29 March


def test_this_and_following_moves_the_time_of_the_later_meetings_only(network):
    meetings = _series(network)
    third = meetings[2]
    new_start = third.local_start.replace(hour=17)
    updated = services.update_meeting(
        meeting=third,
        changes={"starts_at": new_start, "ends_at": new_start + datetime.timedelta(hours=1),
                 "title": "Thursday call (new time)"},
        following=True,
    )  # fmt: skip
    assert len(updated) == 6
    refreshed = list(Meeting.objects.filter(series=third.series_id).order_by("starts_at"))
    assert [m.local_start.hour for m in refreshed] == [16, 16, 17, 17, 17, 17, 17, 17]
    assert [m.local_end.hour for m in refreshed][2:] == [18] * 6
    assert refreshed[0].title == "Thursday call"
    assert refreshed[-1].title == "Thursday call (new time)"
    assert refreshed[-1].sequence == 1 and refreshed[0].sequence == 0


def test_editing_one_meeting_leaves_the_rest_of_its_series(network):
    meetings = _series(network)
    services.update_meeting(meeting=meetings[1], changes={"title": "Special one"})
    assert Meeting.objects.filter(title="Special one").count() == 1


def test_week_n_of_a_half_term_counts_from_the_half_term_s_first_week():
    """Issue 21: week 2 from Thursday 14 January 2027 gave 21 January. The spring term of
    2027 starts on Tuesday 5 January, so its first Thursday is the 7th and week 2's is the
    14th; and in every later half, week 2 is the half's own second Thursday."""
    terms = terms_for([2026])
    dates = meeting_dates(_spec("half_termly", D(2027, 1, 14), nth=2), terms)
    assert dates[0] == D(2027, 1, 14)
    halves = [half for term in terms for half in term.halves if half[1] >= D(2027, 1, 14)]
    for day, (first, _last) in zip(dates, halves, strict=True):
        thursdays = [first + datetime.timedelta(days=n) for n in range(21)]
        assert day == [d for d in thursdays if d.weekday() == 3][1]


def test_a_half_whose_week_n_is_before_the_first_date_has_no_meeting():
    terms = terms_for([2026])
    dates = meeting_dates(_spec("half_termly", D(2027, 1, 21), nth=2), terms)  # a Thursday
    assert dates[0] > D(2027, 2, 19)  # the spring term's first half has passed its week 2
