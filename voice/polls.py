"""Starting polls: create one of each kind with its options, edit it while it is a draft, open
it. Plain typed functions that check the poll's own rules, take no request and check no
permissions (voice.access does, for the views that call these).

Whether a poll is secret and when its results are shown are fixed once it opens: only a
draft can be edited at all. A secret poll can never be made open, not even as a draft: a
starter who chose secrecy may have told people so already.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core import audit
from core.markdown import render_markdown
from members.models import User
from networks.models import Network

from . import access
from .access import PollAccess
from .models import Option, Poll

# Kinds whose voters choose among options the starter writes (a meeting-time poll's
# options are its slots; a proposal's positions and a question's answer need none).
CHOICE_KINDS = (Poll.Kind.SINGLE, Poll.Kind.MULTIPLE, Poll.Kind.RANKED)
MAX_OPTIONS = 12
CLOSED_SHOWN = 50


@dataclass(frozen=True)
class OptionInput:
    """One option as the starter wrote it; a meeting-time slot has its times."""

    label: str
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None


@dataclass(frozen=True)
class PollInput:
    """Everything a starter chooses about a poll (its kind is fixed at creation)."""

    title: str
    closes_at: datetime.datetime
    description: str = ""
    voters: str = Poll.Voters.MEMBERS
    secret: bool = False
    results_shown: str = Poll.ResultsShown.AFTER_CLOSING
    max_choices: int | None = None
    options: Sequence[OptionInput] = ()


def default_voters(network: Network) -> str:
    """One vote per member school in a school-based network; every member elsewhere."""
    return Poll.Voters.SCHOOLS if network.is_school_based else Poll.Voters.MEMBERS


def _check_settings(network: Network, kind: str, data: PollInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "Give the poll a title."
    if data.voters == Poll.Voters.SCHOOLS and not network.is_school_based:
        errors["voters"] = (
            f"{network.label} has people, not schools, as members: every member votes."
        )
    # Results after each vote in a secret poll would let a voter reload the count and see
    # how each next person voted, in a small network.
    if data.secret and data.results_shown == Poll.ResultsShown.AFTER_VOTING:
        errors["results_shown"] = (
            "A secret poll shows its results when it closes: shown after each vote, the "
            "count would change with each ballot and give away how people voted."
        )
    if data.max_choices is not None:
        if kind != Poll.Kind.MULTIPLE:
            errors["max_choices"] = "Only a multiple choice has a most that may be chosen."
        elif not 1 <= data.max_choices <= max(len(data.options), 1):
            errors["max_choices"] = f"Between 1 and the number of options ({len(data.options)})."
    return errors


def _slots_problem(options: Sequence[OptionInput]) -> str:
    if not options:
        return "Give at least one date and time."
    if any(option.starts_at is None for option in options):
        return "Give each slot a date and a start time."
    for option in options:
        if option.ends_at is not None and option.starts_at and option.ends_at <= option.starts_at:
            return "Each slot must end after it starts."
    return ""


def _options_problem(kind: str, options: Sequence[OptionInput]) -> str:
    labels = [option.label.strip().lower() for option in options if option.label.strip()]
    if len(options) > MAX_OPTIONS:
        return f"Give at most {MAX_OPTIONS} options."
    if kind in CHOICE_KINDS:
        if len(options) < 2:
            return "Give at least two options."
        if len(set(labels)) != len(labels):
            return "Give each option once."
        return ""
    if kind == Poll.Kind.MEETING_TIME:
        return _slots_problem(options)
    return "This kind of poll has no options." if options else ""


def _check(network: Network, kind: str, data: PollInput) -> None:
    """The rules for a poll's settings and options, whatever its state."""
    errors = _check_settings(network, kind, data)
    if problem := _options_problem(kind, data.options):
        errors["options"] = problem
    if errors:
        raise ValidationError(errors)


def _check_closing(closes_at: datetime.datetime) -> None:
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": "The closing date must be in the future."})


def _slot_label(option: OptionInput) -> str:
    """A slot's label as voters read it: "Tue 3 Feb 2027, 16:00 to 17:30"."""
    if option.label.strip() or option.starts_at is None:
        return option.label.strip()
    starts = timezone.localtime(option.starts_at)
    label = f"{starts:%a} {starts.day} {starts:%b %Y, %H:%M}"
    if option.ends_at:
        label += f" to {timezone.localtime(option.ends_at):%H:%M}"
    return label


def _set_options(poll: Poll, options: Sequence[OptionInput]) -> None:
    poll.options.all().delete()
    Option.objects.bulk_create(
        Option(
            poll=poll,
            position=number,
            label=_slot_label(option)[:200],
            starts_at=option.starts_at,
            ends_at=option.ends_at,
        )
        for number, option in enumerate(options, start=1)
    )


def _apply(poll: Poll, data: PollInput) -> None:
    poll.title = data.title.strip()
    poll.description = data.description
    poll.description_html = render_markdown(data.description)
    poll.voters = data.voters
    poll.secret = data.secret
    poll.results_shown = data.results_shown
    poll.max_choices = data.max_choices
    poll.closes_at = data.closes_at


@transaction.atomic
def create_poll(*, network: Network, kind: str, by: User, data: PollInput) -> Poll:
    """A draft poll of the kind, with its options, for its starters to check and open."""
    if kind not in Poll.Kind.values:
        raise ValidationError("No such kind of poll.")
    _check(network, kind, data)
    _check_closing(data.closes_at)
    poll = Poll(network=network, kind=kind, created_by=by)
    _apply(poll, data)
    poll.save()
    _set_options(poll, data.options)
    audit.record(
        obj=poll,
        action="poll.created",
        summary=f"Poll started as a draft: {poll.get_kind_display()}",
        actor=by,
        network_id=network.pk,
    )
    return poll


EDITED_FIELDS = (
    "title", "description", "voters", "secret", "results_shown", "max_choices", "closes_at"
)  # fmt: skip


@transaction.atomic
def edit_poll(*, poll: Poll, by: User, data: PollInput) -> Poll:
    """Change a draft: its settings and its options. An open or closed poll stays as it is."""
    locked = Poll.objects.select_for_update().get(pk=poll.pk)
    if locked.state != Poll.State.DRAFT:
        raise ValidationError("Voting has started: the poll can no longer be changed.")
    if locked.secret and not data.secret:
        raise ValidationError({"secret": "A secret poll cannot be made open."})
    _check(poll.network, locked.kind, data)
    _check_closing(data.closes_at)
    before = Poll.objects.get(pk=poll.pk)
    _apply(locked, data)
    locked.save()
    _set_options(locked, data.options)
    audit.record(
        obj=locked,
        action="poll.edited",
        summary="Draft poll changed",
        actor=by,
        network_id=locked.network_id,
        changes=audit.model_changes(before, locked, EDITED_FIELDS),
    )
    return locked


@transaction.atomic
def open_poll(*, poll: Poll, by: User) -> Poll:
    """Open a draft for voting. From now on its settings (secrecy, when the results are
    shown) and its options are fixed."""
    locked = Poll.objects.select_for_update().get(pk=poll.pk)
    if locked.state != Poll.State.DRAFT:
        raise ValidationError("The poll is already open, or closed.")
    _check_closing(locked.closes_at)
    locked.state = Poll.State.OPEN
    locked.opened_at = timezone.now()
    locked.save(update_fields=["state", "opened_at"])
    audit.record(
        obj=locked,
        action="poll.opened",
        summary="Poll opened for voting"
        + (" (secret ballot)" if locked.secret else "")
        + (", one vote per member school" if locked.voters == Poll.Voters.SCHOOLS else ""),
        actor=by,
        network_id=locked.network_id,
        changes={"State": ["Draft", "Open"]},
    )
    return locked


# The list ---------------------------------------------------------------------


def polls_in(poll_access: PollAccess, state: str) -> QuerySet[Poll]:
    """The network's polls in the state that the person may see: drafts and open ones
    soonest to close first, closed ones latest first (the list shows CLOSED_SHOWN)."""
    polls = (
        Poll.objects.filter(network=poll_access.network, state=state)
        .filter(access.visible_q(poll_access))
        .select_related("network")
    )
    if state == Poll.State.CLOSED:
        return polls.order_by("-closes_at", "-pk")
    return polls.order_by("closes_at", "pk")
