"""Suggesting mentors for a new head: a pure ranking, tested directly (no database).

What makes a good match (issue 12): the same sector (phase) of school, the same or a
neighbouring local authority, the mentor's designations (mentor, local or national
leader of education), and a light current load. Never the mentee themselves, never
someone at their own school, never a mentor already at capacity, never outside
what the mentor offered (their sectors and areas).

Trusts: the school register as Headnet imports it has no trust column, so "not the
same trust" cannot be checked yet; only the same school is excluded. When the
register's trust (Trusts name/UID) is imported, exclude it here.
"""

from dataclasses import dataclass, field

# Neighbouring local authorities, by register code: a small table for the areas of
# Headnet's networks today (Oxfordshire, Oldham, Essex). Elsewhere only the same
# local authority counts as near.
NEIGHBOURS: dict[str, frozenset[str]] = {
    # Oxfordshire: Buckinghamshire, Wiltshire, Swindon, West Berkshire, Gloucestershire,
    # Warwickshire, West Northamptonshire.
    "931": frozenset({"825", "865", "866", "869", "916", "937", "941"}),
    # Oldham: Manchester, Rochdale, Tameside, Calderdale, Kirklees.
    "353": frozenset({"352", "354", "357", "381", "382"}),
    # Essex: Havering, Redbridge, Waltham Forest, Cambridgeshire, Southend-on-Sea,
    # Thurrock, Hertfordshire, Suffolk.
    "881": frozenset({"311", "317", "320", "873", "882", "883", "919", "935"}),
}

SAME_SECTOR = 4
OFFERS_SECTOR = 2
SAME_AREA = 3
NEIGHBOURING_AREA = 1
DESIGNATION_POINTS = {"mentor": 2, "nle": 2, "lle": 2}
PER_MENTEE = 1  # taken off for each mentee the mentor already has


def are_neighbours(code: str, other: str) -> bool:
    return other in NEIGHBOURS.get(code, ()) or code in NEIGHBOURS.get(other, ())


@dataclass(frozen=True)
class Mentee:
    person_id: int
    school_id: int | None
    sector: str
    la_code: str


@dataclass(frozen=True)
class Candidate:
    """A mentor's offer as the ranking sees it."""

    offer_id: int
    person_id: int
    school_id: int | None
    sector: str
    la_code: str
    capacity: int
    load: int = 0
    offered_sectors: frozenset[str] = frozenset()  # empty: any
    offered_areas: frozenset[str] = frozenset()  # LA codes; empty: anywhere in the scheme
    designations: frozenset[str] = frozenset()
    name: str = ""


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: int
    reasons: tuple[str, ...] = field(default=())


def excluded(mentee: Mentee, candidate: Candidate) -> bool:
    """Never suggested: themselves, a colleague at their school, a full mentor, or outside
    what the mentor offered."""
    return (
        candidate.person_id == mentee.person_id
        or (candidate.school_id is not None and candidate.school_id == mentee.school_id)
        or candidate.load >= candidate.capacity
        or bool(candidate.offered_sectors and mentee.sector not in candidate.offered_sectors)
        or bool(candidate.offered_areas and mentee.la_code not in candidate.offered_areas)
    )


def score(mentee: Mentee, candidate: Candidate) -> Suggestion:
    points, reasons = 0, []
    if candidate.sector and candidate.sector == mentee.sector:
        points += SAME_SECTOR
        reasons.append("leads the same kind of school")
    elif mentee.sector in candidate.offered_sectors:
        points += OFFERS_SECTOR
        reasons.append("offers to mentor heads of this kind of school")
    if candidate.la_code and candidate.la_code == mentee.la_code:
        points += SAME_AREA
        reasons.append("same local authority")
    elif are_neighbours(candidate.la_code, mentee.la_code):
        points += NEIGHBOURING_AREA
        reasons.append("neighbouring local authority")
    for kind in sorted(candidate.designations):
        if kind in DESIGNATION_POINTS:
            points += DESIGNATION_POINTS[kind]
    if candidate.designations & DESIGNATION_POINTS.keys():
        reasons.append("designated mentor or leader of education")
    points -= PER_MENTEE * candidate.load
    reasons.append(f"mentoring {candidate.load} of {candidate.capacity} now")
    return Suggestion(candidate=candidate, score=points, reasons=tuple(reasons))


def rank_mentors(mentee: Mentee, candidates: list[Candidate]) -> list[Suggestion]:
    """The candidates who may mentor the new head, best match first (ties: lighter load,
    then name, so the order is stable)."""
    suggestions = [score(mentee, c) for c in candidates if not excluded(mentee, c)]
    return sorted(
        suggestions,
        key=lambda s: (-s.score, s.candidate.load, s.candidate.name, s.candidate.offer_id),
    )
