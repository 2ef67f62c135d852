"""Finding the register's school for what a spreadsheet says about it: its URN, else its name
with its town or postcode, with ranked candidates where the match is not certain.

A match is certain only by URN, or by the whole name (spelt as the register spells it, give
or take case, punctuation and "CE" for "Church of England") where the town or postcode
agrees or no other open school has that name. Anything looser, a typo included, is a
guess: the candidates are ranked (rapidfuzz) and a person picks, so a school is never
chosen for someone by a near miss.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .models import School

# A candidate scores at least this (out of 100) to be offered at all.
CANDIDATE_SCORE = 70
CANDIDATES_SHOWN = 3
# How many names each measure brings forward for the full score to rank.
SHORTLIST = 20
# Names compared for one spreadsheet at most (about 6 s on one core): a national network's
# 5,000 rows, none with a URN, an exact name or a town, are not all ranked against the whole
# register within a request; the rest say what would find them.
COMPARISONS = 25_000_000
# Words every school's name shares: a name is told from another by the rest.
GENERIC_WORDS = frozenset(
    [
        "school", "academy", "high", "college", "the", "of", "and", "church", "england",
        "catholic", "roman", "community", "primary", "secondary", "saint", "for", "boys", "girls",
        "infant", "infants", "junior", "nursery", "upper", "lower", "voluntary", "aided",
        "controlled", "free", "trust", "studio", "university", "technical", "all", "through",
        "special", "federation", "c", "e", "vc", "va",
    ]
)  # fmt: skip
SPELLINGS = [
    (re.compile(r"\bc\s+of\s+e\b"), "church of england"),
    (re.compile(r"\b(cofe|ce)\b"), "church of england"),
    (re.compile(r"\brc\b"), "roman catholic"),
    (re.compile(r"\bst\b"), "saint"),
]
NOT_A_LETTER = re.compile(r"[^a-z0-9 ]+")
APOSTROPHES = re.compile(r"['’‘`]")


def name_key(name: str) -> str:
    """The name as compared: lower case, no punctuation, the usual abbreviations spelt out."""
    key = APOSTROPHES.sub("", name.casefold()).replace("&", " and ")
    key = NOT_A_LETTER.sub(" ", key)
    key = " ".join(key.split())
    for pattern, spelling in SPELLINGS:
        key = pattern.sub(spelling, key)
    return " ".join(key.split())


def postcode_key(postcode: str) -> str:
    return "".join(postcode.split()).upper()


def _distinctive(key: str) -> str:
    return " ".join(word for word in key.split() if word not in GENERIC_WORDS)


def score(wanted: str, name: str) -> float:
    """How alike two names are (0 to 100): the whole names, and the words that tell schools
    apart (so "Copergate High" is near "Coppergate High School" and far from "Cobbleham
    High School", which shares only the generic words)."""
    whole = fuzz.token_set_ratio(wanted, name)
    own = fuzz.token_sort_ratio(_distinctive(wanted), _distinctive(name))
    return 0.5 * whole + 0.5 * own


@dataclass(frozen=True)
class Candidate:
    """A school of the register that a row may mean, and how alike the names are."""

    id: int
    urn: int
    label: str
    score: int

    def as_dict(self) -> dict[str, int | str]:
        return {"id": self.id, "urn": self.urn, "label": self.label, "score": self.score}


@dataclass(frozen=True)
class SchoolMatch:
    """What the register makes of a row: a certain school (`school`), candidates for a person
    to choose from, or nothing; `how` says which ("urn", "name", "unsure", "unknown",
    "none" when the row names no school); `notes` say what a person should know."""

    how: str
    school: Candidate | None = None
    candidates: list[Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    closed: bool = False


def label_of(school: School) -> str:
    place = ", ".join(part for part in (school.town, school.postcode) if part)
    return (
        f"{school.name} ({place}; URN {school.urn})"
        if place
        else f"{school.name} (URN {school.urn})"
    )


def _candidate(school: School, score_: float = 100) -> Candidate:
    return Candidate(id=school.pk, urn=school.urn, label=label_of(school), score=round(score_))


class Register:
    """The schools a spreadsheet's rows are matched against, loaded once for every row."""

    FIELDS = ("id", "urn", "name", "town", "postcode", "status")

    def __init__(self, schools: Iterable[School], by_urn: dict[int, School]):
        self.schools = [school for school in schools if school.is_open]
        self.by_urn = by_urn
        self.comparisons_left = COMPARISONS
        self.by_id = {school.pk: school for school in self.schools}
        self.keys = {school.pk: name_key(school.name) for school in self.schools}
        self.own_words = {pk: _distinctive(key) for pk, key in self.keys.items()}
        self.by_key: dict[str, list[School]] = defaultdict(list)
        self.by_town: dict[str, list[School]] = defaultdict(list)
        self.by_postcode: dict[str, list[School]] = defaultdict(list)
        for school in self.schools:
            key = self.keys[school.pk]
            self.by_key[key].append(school)
            # "St Mark's Catholic High School, Plovercombe" is also "St Mark's Catholic
            # High School" to people who know which one they mean.
            if "," in school.name:
                self.by_key[name_key(school.name.rsplit(",", 1)[0])].append(school)
            self.by_town[name_key(school.town)].append(school)
            self.by_postcode[postcode_key(school.postcode)].append(school)

    @classmethod
    def load(cls, *, urns: Iterable[int], local_authority_ids: Iterable[int] = ()) -> "Register":
        """The open schools of the areas (every open school where none are given) and the
        schools with the URNs, open or not (two queries)."""
        pool = School.objects.open().only(*cls.FIELDS).order_by("name", "urn")
        areas = list(local_authority_ids)
        if areas:
            pool = pool.filter(local_authority__in=areas)
        by_urn = {
            school.urn: school
            for school in School.objects.filter(urn__in=set(urns)).select_related(
                "latest_successor"
            )
        }
        schools = {school.pk: school for school in pool}
        # A school named by its URN is a candidate for the rows that name it, whatever area.
        for school in by_urn.values():
            schools.setdefault(school.pk, school)
        return cls(schools.values(), by_urn)

    def match(
        self, *, urn: str = "", name: str = "", town: str = "", postcode: str = ""
    ) -> SchoolMatch:
        """The school the row means, if certain; otherwise the likeliest few."""
        notes: list[str] = []
        if urn:
            found = self._by_urn(urn, name, notes)
            if found is not None:
                return found
        if name:
            return self._by_name(name_key(name), name_key(town), postcode_key(postcode), notes)
        if postcode:
            at = self.by_postcode.get(postcode_key(postcode), [])
            if at:
                notes.append(f"Only a postcode was given: {postcode}.")
                return SchoolMatch(
                    "unsure", candidates=[_candidate(s) for s in at[:CANDIDATES_SHOWN]], notes=notes
                )
            return SchoolMatch(
                "unknown", notes=[f"No open school in the register has the postcode {postcode}."]
            )
        return SchoolMatch("unknown" if notes else "none", notes=notes)

    def _by_urn(self, urn: str, name: str, notes: list[str]) -> SchoolMatch | None:
        number = urn.strip()
        school = self.by_urn.get(int(number)) if number.isascii() and number.isdigit() else None
        if school is None:
            notes.append(f"URN {urn} is not in the register.")
            return None
        if not school.is_open:
            return _closed(school)
        if name and score(name_key(name), name_key(school.name)) < CANDIDATE_SCORE:
            notes.append(f"The register calls URN {school.urn} {school.name}.")
        return SchoolMatch("urn", school=_candidate(school), notes=notes)

    def _by_name(self, key: str, town: str, postcode: str, notes: list[str]) -> SchoolMatch:
        same_name = self.by_key.get(key, [])
        agreeing = [
            school
            for school in same_name
            if (town and name_key(school.town) == town)
            or (postcode and postcode_key(school.postcode) == postcode)
        ]
        given_place = bool(town or postcode)
        if len(agreeing) == 1 or (len(same_name) == 1 and not given_place):
            return SchoolMatch("name", school=_candidate((agreeing or same_name)[0]), notes=notes)
        ranked = self._ranked(key, town, postcode)
        if ranked is None:
            notes.append("Too many rows to compare with the whole register: give its URN or town.")
            return SchoolMatch("unknown", notes=notes)
        if not ranked:
            return SchoolMatch("unknown", notes=notes)
        return SchoolMatch("unsure", candidates=ranked, notes=notes)

    def _ranked(self, key: str, town: str, postcode: str) -> list[Candidate] | None:
        """The likeliest few, best first (none near enough: an empty list); None when the
        spreadsheet has used up its comparisons."""
        # Schools in the row's town or at its postcode first: a smaller pool, and the
        # likeliest; the whole pool when neither finds anything near.
        nearby: list[School] = []
        if town or postcode:
            nearby = self.by_town.get(town, []) + self.by_postcode.get(postcode, [])
        for pool in (nearby, self.schools):
            if len(pool) > self.comparisons_left:
                return None
            self.comparisons_left -= len(pool)
            good = []
            for pk in self._shortlist(key, pool):
                school = self.by_id[pk]
                value = min(score(key, self.keys[pk]) + _place_bonus(school, town, postcode), 100.0)
                if value >= CANDIDATE_SCORE:
                    good.append((value, school))
            if good:
                good.sort(key=lambda pair: (-pair[0], pair[1].name))
                return [_candidate(school, value) for value, school in good[:CANDIDATES_SHOWN]]
        return []

    def _shortlist(self, key: str, pool: list[School]) -> set[int]:
        """The schools of the pool whose names come nearest, by either measure: rapidfuzz
        narrows thousands of names in C, the full score then ranks a few dozen."""
        if pool is self.schools:
            whole, own = self.keys, self.own_words
        else:
            whole = {school.pk: self.keys[school.pk] for school in pool}
            own = {school.pk: self.own_words[school.pk] for school in pool}
        # The quick measures here (a few milliseconds over the whole register); the
        # slower token_set_ratio of score() only on what they bring forward.
        found = process.extract(key, whole, scorer=fuzz.QRatio, limit=SHORTLIST)
        found += process.extract(_distinctive(key), own, scorer=fuzz.ratio, limit=SHORTLIST)
        return {pk for _name, _score, pk in found}


def _closed(school: School) -> SchoolMatch:
    """A closed school named by its URN: the school that replaced it, for a person to
    confirm, where the register says which (an academy conversion); otherwise nothing."""
    successor = school.latest_successor
    if successor is None or not successor.is_open:
        return SchoolMatch("urn", school=_candidate(school), closed=True)
    return SchoolMatch(
        "unsure",
        candidates=[_candidate(successor)],
        notes=[
            f"URN {school.urn}, {school.name}, is closed: the register names "
            f"{successor.name} as the school that replaced it."
        ],
    )


def _place_bonus(school: School, town: str, postcode: str) -> float:
    """A little for a school in the row's town, or at its postcode: a tie breaker."""
    in_town = bool(town) and name_key(school.town) == town
    at_postcode = bool(postcode) and postcode_key(school.postcode) == postcode
    return 5.0 if in_town or at_postcode else 0.0
