"""The count of a poll, for each kind, from its Ballot and BallotChoice rows.

One ballot is one vote: for a school poll the one ballot per school is already
guaranteed where votes are cast, so counting never asks who voted. Names appear only
for an open poll (a secret ballot carries none to show).

Ranked choice is counted by instant run-off (`instant_runoff`, pure and tested by
hand-worked examples): each round counts every continuing ballot for its highest-ranked
candidate still in the count; a candidate with more than half of those wins, otherwise
the candidate with fewest votes is eliminated. A tie for fewest is broken by the earlier
rounds (the one with fewer votes in the latest round that tells them apart goes), and
then by the poll's order (the one listed last goes). When one candidate is left it wins.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .models import Ballot, BallotChoice, Option, Poll

TIE_BREAK = (
    "A tie for fewest votes is broken by the earlier rounds (whoever had fewer in the "
    "latest round that tells them apart is eliminated), then by the poll's order (the "
    "option listed last is eliminated)."
)


@dataclass(frozen=True)
class Reason:
    """A proposal's reason or a question's answer, with its author on an open poll."""

    text: str
    name: str = ""  # empty on a secret poll
    position: str = ""  # a proposal's position, as people read it


@dataclass(frozen=True)
class ProposalTally:
    agree: int
    abstain: int
    disagree: int
    block: int
    # Every reason given, blocks first (a block is what a proposal must answer).
    reasons: list[Reason]

    @property
    def ballots(self) -> int:
        return self.agree + self.abstain + self.disagree + self.block

    @property
    def rows(self) -> list[tuple[str, int]]:
        return [
            ("Agree", self.agree),
            ("Abstain", self.abstain),
            ("Disagree", self.disagree),
            ("Block", self.block),
        ]


@dataclass(frozen=True)
class OptionCount:
    option: Option
    votes: int


@dataclass(frozen=True)
class ChoiceTally:
    counts: list[OptionCount]
    ballots: int


@dataclass(frozen=True)
class Round:
    """One round of an instant run-off, by option id."""

    number: int
    votes: dict[int, int]
    exhausted: int  # ballots with no continuing candidate left
    eliminated: int | None = None
    by_tie_break: bool = False


@dataclass(frozen=True)
class RoundView:
    """A round as the page shows it: the continuing options with their votes."""

    number: int
    counts: list[OptionCount]
    exhausted: int
    eliminated: Option | None
    by_tie_break: bool


@dataclass(frozen=True)
class RankedTally:
    rounds: list[RoundView]
    winner: Option | None
    ballots: int
    tie_break: str = TIE_BREAK


@dataclass(frozen=True)
class SlotCount:
    option: Option
    yes: int
    if_need_be: int
    no: int


@dataclass(frozen=True)
class MeetingTimeTally:
    slots: list[SlotCount]
    best: Option | None
    ballots: int


@dataclass(frozen=True)
class QuestionTally:
    answers: list[Reason]

    @property
    def ballots(self) -> int:
        return len(self.answers)


type Tally = ProposalTally | ChoiceTally | RankedTally | MeetingTimeTally | QuestionTally


@dataclass
class _Runoff:
    candidates: list[int]
    rounds: list[Round] = field(default_factory=list)
    winner: int | None = None


def instant_runoff(candidates: Sequence[int], ballots: Sequence[Sequence[int]]) -> _Runoff:
    """Count ranked ballots (each a list of candidates, first preference first) by
    instant run-off; `candidates` in the poll's order, which breaks the last ties."""
    result = _Runoff(candidates=list(candidates))
    if not ballots:
        return result  # nothing to count: no rounds, no winner
    continuing = list(candidates)
    while continuing:
        votes = dict.fromkeys(continuing, 0)
        exhausted = 0
        for ranking in ballots:
            top = next((choice for choice in ranking if choice in votes), None)
            if top is None:
                exhausted += 1
            else:
                votes[top] += 1
        counted = sum(votes.values())
        leader = max(continuing, key=lambda candidate: votes[candidate])
        if len(continuing) == 1 or (counted and votes[leader] * 2 > counted):
            result.rounds.append(Round(len(result.rounds) + 1, votes, exhausted))
            result.winner = leader
            return result
        loser, by_tie_break = _fewest(continuing, votes, result.rounds)
        result.rounds.append(Round(len(result.rounds) + 1, votes, exhausted, loser, by_tie_break))
        continuing.remove(loser)
    return result


def _fewest(continuing: list[int], votes: dict[int, int], earlier: list[Round]) -> tuple[int, bool]:
    """The candidate to eliminate, and whether a tie-break chose them."""
    fewest = min(votes.values())
    tied = [candidate for candidate in continuing if votes[candidate] == fewest]
    if len(tied) == 1:
        return tied[0], False
    for past in reversed(earlier):
        least = min(past.votes[candidate] for candidate in tied)
        tied = [candidate for candidate in tied if past.votes[candidate] == least]
        if len(tied) == 1:
            return tied[0], True
    return tied[-1], True  # `continuing` keeps the poll's order: the last listed goes


# From the database ---------------------------------------------------------------------


def _name(ballot: Ballot, poll: Poll) -> str:
    """Who cast an open ballot, as the results show it ("" on a secret poll)."""
    if poll.secret or ballot.person is None:
        return ""
    name = ballot.person.get_full_name() or "A former member"
    return f"{name} for {ballot.school.name}" if ballot.school else name


def _ballots(poll: Poll) -> list[Ballot]:
    ballots = Ballot.objects.filter(poll=poll).order_by("text", "pk")
    if not poll.secret:
        ballots = ballots.select_related("person", "school")
    return list(ballots)


def _choices(poll: Poll) -> list[BallotChoice]:
    return list(BallotChoice.objects.filter(ballot__poll=poll).order_by("ballot_id", "rank"))


def tally(poll: Poll) -> Tally:
    """The poll's count, in at most three queries whatever the number of ballots."""
    if poll.kind == Poll.Kind.PROPOSAL:
        return _proposal(poll)
    if poll.kind == Poll.Kind.QUESTION:
        return QuestionTally(
            answers=[
                Reason(text=ballot.text, name=_name(ballot, poll))
                for ballot in _ballots(poll)
                if ballot.text
            ]
        )
    options = list(Option.objects.filter(poll=poll))
    choices = _choices(poll)
    ballots = len({choice.ballot_id for choice in choices})
    if poll.kind == Poll.Kind.RANKED:
        return _ranked(options, choices, ballots)
    if poll.kind == Poll.Kind.MEETING_TIME:
        return _meeting_time(options, choices, ballots)
    chosen = Counter(choice.option_id for choice in choices)
    return ChoiceTally(
        counts=[OptionCount(option, chosen[option.pk]) for option in options], ballots=ballots
    )


def _proposal(poll: Poll) -> ProposalTally:
    ballots = _ballots(poll)
    positions = Counter(ballot.position for ballot in ballots)
    labels = dict(Ballot.Position.choices)
    given = [ballot for ballot in ballots if ballot.text]
    given.sort(key=lambda ballot: ballot.position != Ballot.Position.BLOCK)
    return ProposalTally(
        agree=positions[Ballot.Position.AGREE],
        abstain=positions[Ballot.Position.ABSTAIN],
        disagree=positions[Ballot.Position.DISAGREE],
        block=positions[Ballot.Position.BLOCK],
        reasons=[
            Reason(
                text=ballot.text,
                name=_name(ballot, poll),
                position=str(labels.get(ballot.position, "")),
            )
            for ballot in given
        ],
    )


def _ranked(options: list[Option], choices: list[BallotChoice], ballots: int) -> RankedTally:
    rankings: dict[object, list[int]] = {}
    for choice in choices:  # ordered by ballot, then rank
        if choice.rank is not None:
            rankings.setdefault(choice.ballot_id, []).append(choice.option_id)
    by_id = {option.pk: option for option in options}
    runoff = instant_runoff([option.pk for option in options], list(rankings.values()))
    return RankedTally(
        rounds=[
            RoundView(
                number=counted.number,
                counts=[OptionCount(by_id[pk], votes) for pk, votes in counted.votes.items()],
                exhausted=counted.exhausted,
                eliminated=by_id.get(counted.eliminated) if counted.eliminated else None,
                by_tie_break=counted.by_tie_break,
            )
            for counted in runoff.rounds
        ],
        winner=by_id.get(runoff.winner) if runoff.winner else None,
        ballots=ballots,
    )


def best_slot(slots: Sequence[SlotCount]) -> Option | None:
    """Most yes, then most if-need-be, then the earliest listed; None with no answers."""
    answered = [slot for slot in slots if slot.yes or slot.if_need_be]
    if not answered:
        return None
    return max(answered, key=lambda slot: (slot.yes, slot.if_need_be)).option


def _meeting_time(
    options: list[Option], choices: list[BallotChoice], ballots: int
) -> MeetingTimeTally:
    answers = Counter((choice.option_id, choice.answer) for choice in choices)
    slots = [
        SlotCount(
            option=option,
            yes=answers[(option.pk, BallotChoice.Answer.YES)],
            if_need_be=answers[(option.pk, BallotChoice.Answer.IF_NEED_BE)],
            no=answers[(option.pk, BallotChoice.Answer.NO)],
        )
        for option in options
    ]
    return MeetingTimeTally(slots=slots, best=best_slot(slots), ballots=ballots)
