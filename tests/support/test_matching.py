"""The ranking of suggested mentors, as a pure function (no database)."""

from support.matching import Candidate, Mentee, are_neighbours, rank_mentors

NEW_HEAD = Mentee(person_id=1, school_id=10, sector="special", la_code="931")


def _candidate(offer_id, **fields):
    defaults = {
        "person_id": 100 + offer_id,
        "school_id": 200 + offer_id,
        "sector": "special",
        "la_code": "931",
        "capacity": 2,
        "name": f"Mentor {offer_id}",
    }
    return Candidate(offer_id=offer_id, **(defaults | fields))


def _order(candidates):
    return [suggestion.candidate.offer_id for suggestion in rank_mentors(NEW_HEAD, candidates)]


def test_the_same_sector_counts_most_then_the_same_area_then_a_neighbouring_one():
    candidates = [
        _candidate(1, sector="primary", la_code="931"),
        _candidate(2, sector="special", la_code="881"),  # far away
        _candidate(3, sector="special", la_code="825"),  # Buckinghamshire, a neighbour
        _candidate(4, sector="special", la_code="931"),
    ]
    assert _order(candidates) == [4, 3, 2, 1]


def test_designations_lift_a_mentor_and_a_load_lowers_one():
    candidates = [
        _candidate(1),
        _candidate(2, designations=frozenset({"nle"})),
        _candidate(3, load=1, capacity=3),
    ]
    assert _order(candidates) == [2, 1, 3]


def test_never_the_mentee_s_own_school_or_themselves():
    candidates = [_candidate(1, school_id=10), _candidate(2, person_id=1), _candidate(3)]
    assert _order(candidates) == [3]


def test_never_a_mentor_at_capacity():
    candidates = [_candidate(1, load=2, capacity=2), _candidate(2, load=1, capacity=2)]
    assert _order(candidates) == [2]


def test_never_outside_what_the_mentor_offered():
    candidates = [
        _candidate(1, offered_sectors=frozenset({"primary"})),
        _candidate(2, offered_areas=frozenset({"881"})),
        _candidate(3, offered_sectors=frozenset({"special"}), offered_areas=frozenset({"931"})),
    ]
    assert _order(candidates) == [3]


def test_a_mentor_of_another_sector_who_offers_this_one_beats_one_who_does_not_say():
    candidates = [
        _candidate(1, sector="primary"),
        _candidate(2, sector="primary", offered_sectors=frozenset({"primary", "special"})),
    ]
    assert _order(candidates) == [2, 1]


def test_ties_are_broken_by_load_then_name_so_the_order_is_stable():
    candidates = [
        _candidate(1, name="Abe", designations=frozenset({"mentor"}), load=2, capacity=3),
        _candidate(2, name="Bea"),
        _candidate(3, name="Amy"),
    ]
    assert _order(candidates) == [3, 2, 1]


def test_neighbours_work_both_ways_and_only_from_the_table():
    assert are_neighbours("931", "825") and are_neighbours("825", "931")
    assert not are_neighbours("931", "881")
    assert not are_neighbours("202", "201")  # not in the table: only the same LA counts


def test_reasons_say_why_a_mentor_was_suggested():
    [suggestion] = rank_mentors(NEW_HEAD, [_candidate(1, designations=frozenset({"lle"}))])
    assert "leads the same kind of school" in suggestion.reasons
    assert "same local authority" in suggestion.reasons
    assert "designated mentor or leader of education" in suggestion.reasons
