"""The forms for starting a poll (one shape per kind) and for voting in one.

Without JavaScript a form cannot grow, so a poll's form offers a fixed number of blank
options (and of meeting-time slots); the empty ones are ignored.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from networks.models import Network

from .models import Ballot, BallotChoice, Option, Poll
from .polls import CHOICE_KINDS, OptionInput, PollInput, default_voters
from .voting import Answers

OPTION_BLANKS = 8
SLOT_BLANKS = 6
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

BALLOT_PRIVACY_HELP = (
    "Nobody, not even the coordinators or site staff, can ever see how anyone voted: only "
    "who has voted. Voters cannot change a secret vote. Once chosen, a poll cannot be made "
    "open again."
)


class PollForm(forms.Form):
    """A poll's settings, and its options or slots where its kind has them."""

    title = forms.CharField(max_length=200)
    description = forms.CharField(
        label="What is it about?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Optional. Markdown works: a blank line starts a new paragraph.",
    )
    voters = forms.ChoiceField(
        label="Who votes?", choices=Poll.Voters.choices, widget=forms.RadioSelect
    )
    secret = forms.BooleanField(
        label="Secret ballot", required=False, help_text=BALLOT_PRIVACY_HELP
    )
    results_shown = forms.ChoiceField(
        label="When may voters see the results?",
        choices=Poll.ResultsShown.choices,
        widget=forms.RadioSelect,
        help_text="Fixed once voting starts.",
    )
    closes_at = forms.DateTimeField(
        label="Closes at", widget=DATETIME, help_text="UK time. Votes are taken until then."
    )

    def __init__(self, *args, kind: str, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.network = network
        if not network.is_school_based:
            # People are the members: every member votes, so there is nothing to choose.
            del self.fields["voters"]
        if kind == Poll.Kind.MULTIPLE:
            self.fields["max_choices"] = forms.IntegerField(
                label="How many may each voter choose, at most?",
                required=False,
                min_value=1,
                help_text="Leave empty for any number.",
            )
        if kind in CHOICE_KINDS:
            for number in range(1, OPTION_BLANKS + 1):
                self.fields[f"option_{number}"] = forms.CharField(
                    label=f"Option {number}", max_length=200, required=False
                )
        if kind == Poll.Kind.MEETING_TIME:
            for number in range(1, SLOT_BLANKS + 1):
                self.fields[f"slot_{number}_date"] = forms.DateField(
                    label="Date", required=False, widget=DATE
                )
                self.fields[f"slot_{number}_starts"] = forms.TimeField(
                    label="Starts", required=False, widget=TIME
                )
                self.fields[f"slot_{number}_ends"] = forms.TimeField(
                    label="Ends", required=False, widget=TIME
                )

    @property
    def settings_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in ("title", "description", "voters", "secret", "results_shown",
                         "closes_at", "max_choices")
            if name in self.fields
        ]  # fmt: skip

    @property
    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("option_")]

    @property
    def slot_rows(self) -> list[tuple[int, list[forms.BoundField]]]:
        """Each slot's date, start and end, as a group the template draws as a fieldset."""
        if self.kind != Poll.Kind.MEETING_TIME:
            return []
        return [
            (n, [self[f"slot_{n}_date"], self[f"slot_{n}_starts"], self[f"slot_{n}_ends"]])
            for n in range(1, SLOT_BLANKS + 1)
        ]

    @property
    def options_field(self) -> str:
        """The field on which a rule about the options as a whole is reported."""
        return "slot_1_date" if self.kind == Poll.Kind.MEETING_TIME else "option_1"

    def clean(self):
        cleaned = super().clean()
        if self.kind != Poll.Kind.MEETING_TIME:
            return cleaned
        for number in range(1, SLOT_BLANKS + 1):
            day = cleaned.get(f"slot_{number}_date")
            times = cleaned.get(f"slot_{number}_starts") or cleaned.get(f"slot_{number}_ends")
            if times and not day:
                self.add_error(f"slot_{number}_date", "Give the slot's date.")
            elif day and not cleaned.get(f"slot_{number}_starts"):
                self.add_error(f"slot_{number}_starts", "Give the time it starts.")
        return cleaned

    def _options(self) -> list[OptionInput]:
        data = self.cleaned_data
        if self.kind in CHOICE_KINDS:
            labels = (data.get(f"option_{n}", "").strip() for n in range(1, OPTION_BLANKS + 1))
            return [OptionInput(label=label) for label in labels if label]
        if self.kind == Poll.Kind.MEETING_TIME:
            slots = []
            for n in range(1, SLOT_BLANKS + 1):
                day, starts = data.get(f"slot_{n}_date"), data.get(f"slot_{n}_starts")
                if not day or not starts:
                    continue
                ends = data.get(f"slot_{n}_ends")
                slots.append(
                    OptionInput(
                        label="",
                        starts_at=_at(day, starts),
                        ends_at=_at(day, ends) if ends else None,
                    )
                )
            return slots
        return []

    def values(self) -> PollInput:
        data = self.cleaned_data
        return PollInput(
            title=data["title"],
            description=data["description"],
            voters=data.get("voters") or Poll.Voters.MEMBERS,
            secret=data["secret"],
            results_shown=data["results_shown"],
            closes_at=data["closes_at"],
            max_choices=data.get("max_choices"),
            options=self._options(),
        )

    def add_service_error(self, error: ValidationError) -> None:
        """A service's refusal, on the field it names (the options' on the first of them)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            target = self.options_field if name == "options" else name
            self.add_error(target if target in self.fields else None, messages)


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The moment, on UK time (the time zone of the site)."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


def initial_for_new(network: Network) -> dict:
    return {
        "voters": default_voters(network),
        "results_shown": Poll.ResultsShown.AFTER_CLOSING,
        "closes_at": timezone.localtime() + datetime.timedelta(days=14),
    }


def initial_for(poll: Poll, options: list[Option]) -> dict:
    """A draft's form, as it stands."""
    initial: dict = {
        "title": poll.title,
        "description": poll.description,
        "voters": poll.voters,
        "secret": poll.secret,
        "results_shown": poll.results_shown,
        "closes_at": timezone.localtime(poll.closes_at),
        "max_choices": poll.max_choices,
    }
    for number, option in enumerate(options, start=1):
        if option.starts_at is None:
            initial[f"option_{number}"] = option.label
            continue
        starts = timezone.localtime(option.starts_at)
        initial |= {f"slot_{number}_date": starts.date(), f"slot_{number}_starts": starts.time()}
        if option.ends_at:
            initial[f"slot_{number}_ends"] = timezone.localtime(option.ends_at).time()
    return initial


# Voting ------------------------------------------------------------------------


class VoteForm(forms.Form):
    """A ballot, shaped by the poll's kind and options."""

    def __init__(self, *args, poll: Poll, options: list[Option], **kwargs):
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.options = options
        labels = [(str(option.pk), option.label) for option in options]
        if poll.kind == Poll.Kind.PROPOSAL:
            self.fields["position"] = forms.ChoiceField(
                label="Your position", choices=Ballot.Position.choices, widget=forms.RadioSelect
            )
            self.fields["text"] = forms.CharField(
                label="Your reason",
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="Needed if you block.",
            )
        elif poll.kind == Poll.Kind.SINGLE:
            self.fields["chosen"] = forms.ChoiceField(
                label="Your choice", choices=labels, widget=forms.RadioSelect
            )
        elif poll.kind == Poll.Kind.MULTIPLE:
            most = f"Choose up to {poll.max_choices}." if poll.max_choices else "Choose any."
            self.fields["chosen"] = forms.MultipleChoiceField(
                label="Your choices",
                choices=labels,
                widget=forms.CheckboxSelectMultiple,
                help_text=most,
            )
        elif poll.kind == Poll.Kind.RANKED:
            ranks = [("", "Not ranked"), *((str(n), str(n)) for n in range(1, len(options) + 1))]
            for option in options:
                self.fields[f"rank_{option.pk}"] = forms.TypedChoiceField(
                    label=option.label,
                    choices=ranks,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
        elif poll.kind == Poll.Kind.MEETING_TIME:
            for option in options:
                self.fields[f"slot_{option.pk}"] = forms.ChoiceField(
                    label=option.label,
                    choices=BallotChoice.Answer.choices,
                    widget=forms.RadioSelect,
                )
        else:
            self.fields["text"] = forms.CharField(
                label="Your answer", widget=forms.Textarea(attrs={"rows": 6})
            )

    def answers(self) -> Answers:
        data = self.cleaned_data
        chosen = data.get("chosen") or []
        if isinstance(chosen, str):
            chosen = [chosen]
        return Answers(
            position=data.get("position", ""),
            text=data.get("text", ""),
            chosen=[int(value) for value in chosen],
            ranks={
                option.pk: data[f"rank_{option.pk}"]
                for option in self.options
                if data.get(f"rank_{option.pk}") is not None
            },
            slots={
                option.pk: data[f"slot_{option.pk}"]
                for option in self.options
                if data.get(f"slot_{option.pk}")
            },
        )

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def initial_from_ballot(poll: Poll, ballot: Ballot | None) -> dict:
    """An open poll's vote, to change it."""
    if ballot is None:
        return {}
    initial: dict = {"position": ballot.position, "text": ballot.text}
    chosen = [str(choice.option_id) for choice in ballot.choices.all()]
    initial["chosen"] = chosen[0] if poll.kind == Poll.Kind.SINGLE and chosen else chosen
    for choice in ballot.choices.all():
        if choice.rank is not None:
            initial[f"rank_{choice.option_id}"] = str(choice.rank)
        if choice.answer:
            initial[f"slot_{choice.option_id}"] = choice.answer
    return initial
