"""Casting a vote: checked for the poll's kind, counted once per person (or per member
school), changeable until the poll closes unless it is secret.

A secret ballot is stored with no person, no school, no time and a random id, and nothing
here logs, audits, queues or emails anything about it: the VoteRecord row that stops a
second vote says only that the person (or school) voted. Because nothing links the ballot
to its voter, nobody can find it again to change it, so a secret vote is final.

Each vote runs in one transaction holding the poll's row, so the votes in a poll are cast
one at a time: a double click, or a school's seat passing to a new head who votes while
the old head's vote is in flight, leaves exactly one vote for the school. The unique
constraints on VoteRecord stand behind the lock.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from members.models import School, User
from networks.models import Membership

from . import access
from .models import Ballot, BallotChoice, Option, Poll, VoteRecord

TEXT_LIMIT = 5000


@dataclass(frozen=True)
class Answers:
    """What a voter filled in; the poll's kind says which part counts."""

    position: str = ""  # a proposal's
    text: str = ""  # a proposal's reason, a question's answer
    chosen: Sequence[int] = ()  # option ids: a single or multiple choice
    ranks: Mapping[int, int] = field(default_factory=dict)  # option id: rank (1 first)
    slots: Mapping[int, str] = field(default_factory=dict)  # option id: a BallotChoice.Answer


@dataclass(frozen=True)
class Content:
    """A ballot's content, checked: what the Ballot and its BallotChoice rows hold."""

    position: str = ""
    text: str = ""
    choices: Sequence[tuple[int, int | None, str]] = ()  # (option id, rank, answer)


def refusal(poll: Poll) -> str:
    """Why the poll takes no vote now ("" if it does)."""
    if poll.state == Poll.State.DRAFT:
        return "This poll is not open yet."
    if poll.state == Poll.State.CLOSED or poll.closes_at <= timezone.now():
        return "This poll has closed."
    return ""


def _proposal(answers: Answers) -> Content:
    if answers.position not in Ballot.Position.values:
        raise ValidationError({"position": "Choose agree, abstain, disagree or block."})
    if answers.position == Ballot.Position.BLOCK and not answers.text.strip():
        raise ValidationError({"text": "Give your reason for blocking the proposal."})
    return Content(position=answers.position, text=answers.text.strip())


def _single(answers: Answers, option_ids: set[int]) -> Content:
    chosen = set(answers.chosen)
    if len(chosen) != 1 or not chosen <= option_ids:
        raise ValidationError({"chosen": "Choose one option."})
    return Content(choices=[(option_id, None, "") for option_id in chosen])


def _multiple(poll: Poll, answers: Answers, option_ids: set[int]) -> Content:
    chosen = set(answers.chosen)
    if not chosen or not chosen <= option_ids:
        raise ValidationError({"chosen": "Choose at least one option."})
    if poll.max_choices and len(chosen) > poll.max_choices:
        raise ValidationError({"chosen": f"Choose at most {poll.max_choices}."})
    return Content(choices=[(option_id, None, "") for option_id in sorted(chosen)])


def _ranked(answers: Answers, option_ids: set[int]) -> Content:
    """A full or partial ranking: ranks 1, 2, ... n for any n options, none twice."""
    ranks = dict(answers.ranks)
    if not ranks:
        raise ValidationError({"ranks": "Rank at least your first choice."})
    if not set(ranks) <= option_ids:
        raise ValidationError({"ranks": "Rank only this poll's options."})
    given = sorted(ranks.values())
    if len(set(given)) != len(given):
        raise ValidationError({"ranks": "Give each rank once: two options cannot share one."})
    if given != list(range(1, len(given) + 1)):
        raise ValidationError({"ranks": "Number your choices 1, 2, 3 … without a gap."})
    return Content(choices=[(option_id, rank, "") for option_id, rank in sorted(ranks.items())])


def _meeting_time(answers: Answers, option_ids: set[int]) -> Content:
    slots = dict(answers.slots)
    if set(slots) != option_ids or not set(slots.values()) <= set(BallotChoice.Answer.values):
        raise ValidationError({"slots": "Answer yes, if need be or no for every time."})
    return Content(choices=[(option_id, None, answer) for option_id, answer in slots.items()])


def _question(answers: Answers) -> Content:
    text = answers.text.strip()
    if not text:
        raise ValidationError({"text": "Write your answer."})
    if len(text) > TEXT_LIMIT:
        raise ValidationError({"text": f"Keep your answer under {TEXT_LIMIT} characters."})
    return Content(text=text)


def check_answers(poll: Poll, options: Sequence[Option], answers: Answers) -> Content:
    """The ballot's content if the answers make a valid vote in the poll; ValidationError
    (by field) if not."""
    option_ids = {option.pk for option in options}
    if poll.kind == Poll.Kind.PROPOSAL:
        return _proposal(answers)
    if poll.kind == Poll.Kind.SINGLE:
        return _single(answers, option_ids)
    if poll.kind == Poll.Kind.MULTIPLE:
        return _multiple(poll, answers, option_ids)
    if poll.kind == Poll.Kind.RANKED:
        return _ranked(answers, option_ids)
    if poll.kind == Poll.Kind.MEETING_TIME:
        return _meeting_time(answers, option_ids)
    return _question(answers)


def _fill(ballot: Ballot, content: Content) -> None:
    """Write the content into the ballot (its choices replaced)."""
    ballot.position = content.position
    ballot.text = content.text
    ballot.save()
    ballot.choices.all().delete()
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, option_id=option_id, rank=rank, answer=answer)
        for option_id, rank, answer in content.choices
    )


def _record_for(poll: Poll, person: User, school: School | None) -> VoteRecord | None:
    return VoteRecord.of_voter(poll.pk, person.pk, school.pk if school else None).first()


def _open_ballot_of(poll: Poll, person: User, school: School | None) -> Ballot | None:
    """An open poll's ballot for the school, or the person's own."""
    if school is not None:
        return Ballot.objects.filter(poll=poll, school=school).first()
    return Ballot.objects.filter(poll=poll, person=person, school__isnull=True).first()


def has_voted(
    poll: Poll, person: User, school: School | None, membership: Membership | None = None
) -> bool:
    """Whether the person (or, in a poll of schools, their school) has voted. No query
    with the person's `membership` of the poll's network read for the poll's page, which
    says it (voice.access.get_poll_for_user)."""
    said = access.voted_on(membership, poll, school)
    if said is not None:
        return said
    return _record_for(poll, person, school) is not None


def ballot_of(poll: Poll, person: User, school: School | None) -> Ballot | None:
    """An open poll's ballot the person may see and change: their own, or their school's.
    A secret poll's is nobody's (None)."""
    if poll.secret:
        return None
    ballots = Ballot.objects.filter(poll=poll).prefetch_related("choices__option")
    if school is not None:
        return ballots.filter(school=school).first()
    return ballots.filter(person=person, school__isnull=True).first()


def cast_ballot(*, poll: Poll, person: User, answers: Answers) -> Ballot:
    """Record the person's vote (for their school, in a poll of schools), or change the vote
    already cast in an open poll. ValidationError: the poll takes no vote now, the person
    has no vote in it, the answers are not a vote, or a secret vote was already cast."""
    try:
        with transaction.atomic():
            return _cast(poll, person, answers)
    except IntegrityError as error:
        # Only a second VoteRecord can collide; the poll's lock makes it all but impossible.
        raise ValidationError("Your vote was already counted.") from error


def _cast(poll: Poll, person: User, answers: Answers) -> Ballot:
    # The poll's row first: votes in one poll are cast one at a time, and nobody can
    # open, close or change it while this one is counted.
    locked = Poll.objects.select_for_update().select_related("network").get(pk=poll.pk)
    if why := refusal(locked):
        raise ValidationError(why)
    # Then the seat: it cannot pass on while its holder's vote is being counted, and a
    # head who lost it a moment ago is refused. (Only the membership's own row is locked.)
    membership = (
        access.voting_memberships(locked, person)
        .select_for_update(of=("self",))
        .select_related("school")
        .first()
    )
    right = access.right_to_vote(locked, membership)
    if not right.may_vote:
        raise ValidationError(right.refusal)
    content = check_answers(locked, list(locked.options.all()), answers)
    school = right.school
    if _record_for(locked, person, school) is not None:
        return _change(locked, person, school, content)
    VoteRecord.objects.create(poll=locked, person=person, school=school)
    ballot = Ballot(poll=locked)
    if not locked.secret:
        ballot.person, ballot.school = person, school
        audit.record(
            obj=locked,
            action="poll.voted",
            summary="Voted" + (f" for {school.name}" if school else ""),
            actor=person,
            network_id=locked.network_id,
        )
    _fill(ballot, content)
    return ballot


def _change(poll: Poll, person: User, school: School | None, content: Content) -> Ballot:
    """Replace the vote already cast (by the person, or by their school's earlier head)."""
    if poll.secret:
        who = "Your school has" if school else "You have"
        raise ValidationError(
            f"{who} already voted in this secret poll, and a secret vote cannot be changed."
        )
    ballot = _open_ballot_of(poll, person, school)
    if ballot is None:  # the ballot's voter closed their account since: a fresh one
        ballot = Ballot(poll=poll)
    ballot.person, ballot.school = person, school
    _fill(ballot, content)
    audit.record(
        obj=poll,
        action="poll.vote_changed",
        summary="Changed the vote" + (f" for {school.name}" if school else ""),
        actor=person,
        network_id=poll.network_id,
    )
    return ballot
